import { groupMessagesPerPartition } from './kafkajs-grouping';

// kafkajs's own grouping, the reference: the one-pass version must return the same groups.
const kafkajsGrouping = require('kafkajs/src/producer/groupMessagesPerPartition') as typeof groupMessagesPerPartition;

interface Message {
  key: string;
  value: string;
}

describe('groupMessagesPerPartition', () => {
  const partitioner = ({ message }: { message: Message }) => Number(message.key.slice(1)) % 3;

  it('groups by the partitioner in send order, as kafkajs does', () => {
    const messages = ['k4', 'k0', 'k5', 'k3', 'k2', 'k9', 'k1'].map((key) => ({ key, value: key }));
    const args = { topic: 't', partitionMetadata: [{}, {}, {}], messages, partitioner };
    const groups = groupMessagesPerPartition(args);
    // 4 % 3 = 1, 0 → 0, 5 → 2, 3 → 0, 2 → 2, 9 → 0, 1 → 1
    expect(Object.entries(groups).map(([partition, list]) => [partition, list.map((m) => m.key)])).toEqual([
      ['0', ['k0', 'k3', 'k9']],
      ['1', ['k4', 'k1']],
      ['2', ['k5', 'k2']],
    ]);
    expect(groups).toEqual(kafkajsGrouping(args));
  });

  it('agrees with kafkajs on a large send and on a topic without partitions', () => {
    const messages = Array.from({ length: 5000 }, (_, n) => ({ key: `k${(n * 7919) % 10007}`, value: String(n) }));
    const args = { topic: 't', partitionMetadata: [{}, {}, {}], messages, partitioner };
    expect(groupMessagesPerPartition(args)).toEqual(kafkajsGrouping(args));
    expect(groupMessagesPerPartition({ ...args, partitionMetadata: [] })).toEqual({});
    expect(kafkajsGrouping({ ...args, partitionMetadata: [] })).toEqual({});
  });
});
