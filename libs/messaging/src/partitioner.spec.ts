import { type PartitionMetadata, Partitioners } from 'kafkajs';

import { Murmur2Partitioner, murmur2, murmur2OfKey } from './partitioner';

// kafkajs's own Java-compatible murmur2, the reference the fast one must agree with.
const referenceMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (
  key: Buffer | string,
) => number;

function metadata(count: number): PartitionMetadata[] {
  return Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: 1,
    replicas: [1],
    isr: [1],
  }));
}

describe('murmur2', () => {
  it("gives the Java client's hash (as kafkajs computes it) for keys of every length and byte", () => {
    // A fixed pseudo-random sequence, so a failure names the same key every run.
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (let n = 0; n < 2000; n += 1) {
      const bytes = Buffer.alloc(n % 67);
      for (let i = 0; i < bytes.length; i += 1) bytes[i] = next() & 0xff;
      expect({ bytes: bytes.toString('hex'), hash: murmur2(bytes) }).toEqual({
        bytes: bytes.toString('hex'),
        hash: referenceMurmur2(bytes),
      });
    }
  });

  it('hashes a string key by its UTF-8 bytes, short or long', () => {
    for (const key of ['', 'a', 'CNSHA', '港口|m1|day', '😀'.repeat(200), 'k'.repeat(5000)]) {
      expect({ key: key.slice(0, 20), hash: murmur2OfKey(key) }).toEqual({
        key: key.slice(0, 20),
        hash: referenceMurmur2(key),
      });
    }
    expect(murmur2OfKey(Buffer.from('CNSHA'))).toBe(referenceMurmur2('CNSHA'));
  });

  it('matches values worked out by hand from the algorithm', () => {
    // Empty input: h = seed ^ 0 = 0x9747b28c, then the final mix only.
    expect(murmur2(Buffer.alloc(0))).toBe(referenceMurmur2(Buffer.alloc(0)));
    expect(murmur2(Buffer.alloc(0))).toBe(275646681);
  });
});

describe('Murmur2Partitioner', () => {
  it('puts every key where the default partitioner does', () => {
    const fast = Murmur2Partitioner();
    const reference = Partitioners.DefaultPartitioner();
    const keys = ['CNSHA', 'CNNGB', 'CNSHA|m1.instant_share|day|2026-11-27T16:00:00.000Z', '', '港口', 'x'.repeat(300)];
    for (let k = 0; k < 200; k += 1) keys.push(`PORT${k}|m${k % 29}|week|${k}`);
    for (const partitions of [1, 4, 12]) {
      for (const key of [...keys, Buffer.from('CNSHA')]) {
        const args = { topic: `t${partitions}`, partitionMetadata: metadata(partitions), message: { key, value: 'v' } };
        expect({ key, partitions, partition: fast(args) }).toEqual({ key, partitions, partition: reference(args) });
      }
    }
  });

  it('keeps an explicit partition and spreads messages without a key', () => {
    const fast = Murmur2Partitioner();
    const args = { topic: 't', partitionMetadata: metadata(4), message: { key: 'CNSHA', value: 'v', partition: 3 } };
    expect(fast(args)).toBe(3);
    const spread = new Set(
      Array.from({ length: 8 }, () =>
        fast({ topic: 't', partitionMetadata: metadata(4), message: { key: null, value: 'v' } }),
      ),
    );
    // Round robin over the four partitions.
    expect(spread).toEqual(new Set([0, 1, 2, 3]));
  });
});
