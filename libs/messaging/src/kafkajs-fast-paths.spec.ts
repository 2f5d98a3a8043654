import { encodeRecord, groupMessagesPerPartition, type RecordArgs } from './kafkajs-fast-paths';

// kafkajs's own implementations, the references: the fast ones must give the same results.
const kafkajsGrouping = require('kafkajs/src/producer/groupMessagesPerPartition') as typeof groupMessagesPerPartition;
const kafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (args: RecordArgs) => {
  buffer: Buffer;
};

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

describe('encodeRecord', () => {
  it('writes a small record byte by byte as the Kafka record format lays it out', () => {
    const encoded = encodeRecord({ offsetDelta: 1, timestampDelta: 2, key: 'k', value: 'v', headers: { h: 'x' } });
    // length 12 (zig-zag 24), attributes 0, timestamp delta 2 (4), offset delta 1 (2), key "k"
    // (length 1 → 2), value "v", one header (2): key "h", value "x". Without any: six bytes
    // (length 6 → 12), null key and value (-1 → 1), no headers.
    expect([...encoded.buffer]).toEqual([24, 0, 4, 2, 2, 0x6b, 2, 0x76, 2, 2, 0x68, 2, 0x78]);
    expect([...encodeRecord({ key: null, value: null }).buffer]).toEqual([12, 0, 0, 0, 1, 1, 0]);
  });

  it('gives the bytes kafkajs gives, for keys, values, headers and deltas of every kind', () => {
    let seed = 3;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const text = (length: number) =>
      Array.from({ length }, () => ['a', 'é', '港', '😀', '"', '\n'][next() % 6]).join('');
    const bytes = (length: number) => Buffer.from(Array.from({ length }, () => next() & 0xff));
    const pick = (n: number): Buffer | string | null => (n % 3 === 0 ? null : n % 3 === 1 ? text(n) : bytes(n));
    const deltas = [
      0,
      1,
      63,
      64,
      127,
      128,
      8191,
      8192,
      2 ** 20,
      2 ** 31 - 1,
      2 ** 31,
      2 ** 40 + 7,
      2 ** 52,
      -1,
      -64,
      -(2 ** 40),
    ];
    for (let n = 0; n < 400; n += 1) {
      const headers: RecordArgs['headers'] = {};
      for (let h = 0; h < n % 4; h += 1) {
        headers[`h${h}${text(h)}`] = h === 2 ? [text(3), bytes(5)] : h === 1 ? bytes(next() % 40) : text(next() % 40);
      }
      const args: RecordArgs = {
        offsetDelta: n % 7 === 0 ? next() % 100_000 : n,
        timestampDelta: deltas[n % deltas.length]!,
        key: n % 5 === 0 ? null : pick(next() % 60),
        // Now and then a value longer than 16 KiB: a three-byte length.
        value: n % 50 === 0 ? text(20_000) : pick(next() % 600),
        headers,
      };
      expect(encodeRecord(args).buffer.toString('hex')).toBe(kafkajsRecord(args).buffer.toString('hex'));
    }
  });
});
