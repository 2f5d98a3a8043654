import { type PartitionMetadata, Partitioners } from 'kafkajs';

import { RememberingPartitioner } from './partitioner';

function metadata(count: number): PartitionMetadata[] {
  return Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: 1,
    replicas: [1],
    isr: [1],
  }));
}

describe('RememberingPartitioner', () => {
  it('puts every key where the default partitioner does, the first time and when remembered', () => {
    const remembering = RememberingPartitioner();
    const reference = Partitioners.DefaultPartitioner();
    const keys = ['CNSHA', 'CNNGB', 'CNSHA|m1.instant_share|day|2026-11-27T16:00:00.000Z', '', '港口', 'x'.repeat(300)];
    for (let k = 0; k < 200; k += 1) keys.push(`PORT${k}|m${k % 29}|week|${k}`);
    for (const partitions of [1, 4, 12]) {
      for (const round of [1, 2]) {
        for (const key of keys) {
          const args = {
            topic: `t${partitions}`,
            partitionMetadata: metadata(partitions),
            message: { key, value: 'v' },
          };
          expect({ key, partitions, round, partition: remembering(args) }).toEqual({
            key,
            partitions,
            round,
            partition: reference(args),
          });
        }
      }
    }
  });

  it('keeps an explicit partition and spreads messages without a key', () => {
    const remembering = RememberingPartitioner();
    const args = { topic: 't', partitionMetadata: metadata(4), message: { key: 'CNSHA', value: 'v', partition: 3 } };
    expect(remembering(args)).toBe(3);
    const spread = new Set(
      Array.from({ length: 8 }, () =>
        remembering({ topic: 't', partitionMetadata: metadata(4), message: { key: null, value: 'v' } }),
      ),
    );
    // Round robin over the four partitions.
    expect(spread).toEqual(new Set([0, 1, 2, 3]));
  });
});
