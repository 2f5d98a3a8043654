// Before kafkajs: replaces a part of it in the module cache (see the module).
import './kafkajs-fast-paths';

import { type ICustomPartitioner, Partitioners } from 'kafkajs';

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Keys up to this many UTF-8 bytes are hashed from a reused buffer, longer ones from their own. */
const SCRATCH_BYTES = 1024;
const scratch = Buffer.allocUnsafe(SCRATCH_BYTES);

/**
 * Kafka's murmur2 (the Java client's `Utils.murmur2`, which kafkajs's default partitioner
 * follows) of `length` bytes of `data`, as a signed 32-bit integer. 32-bit arithmetic throughout
 * (`Math.imul`), where kafkajs emulates 64-bit integers with objects on every step.
 */
export function murmur2(data: Uint8Array, length = data.length): number {
  let h = (SEED ^ length) | 0;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length & 3;
  if (rest > 0) {
    if (rest === 3) h ^= data[whole + 2]! << 16;
    if (rest >= 2) h ^= data[whole + 1]! << 8;
    h ^= data[whole]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** murmur2 of a key's UTF-8 bytes, as the Java client and kafkajs hash a string key. */
export function murmur2OfKey(key: string | Buffer): number {
  if (Buffer.isBuffer(key)) return murmur2(key);
  // A UTF-8 string is at most three bytes per UTF-16 unit: short keys fit the scratch buffer.
  if (key.length * 3 <= SCRATCH_BYTES) return murmur2(scratch, scratch.write(key, 0, 'utf8'));
  return murmur2(Buffer.from(key, 'utf8'));
}

/**
 * kafkajs's default partitioner (a keyed message goes to murmur2 of its key, made positive,
 * modulo the topic's partition count, as with the Java client) with the hash computed in 32-bit
 * arithmetic. kafkajs's own murmur2 allocates 64-bit integer objects at every step; with a
 * producer sending thousands of indicator updates a batch, each with a key of its own, it showed
 * in the scorer's CPU profile. Same partitions as the default, so compacted topics keep one
 * partition per key; an explicit partition, or a message without a key, is left to the default.
 */
export const Murmur2Partitioner: ICustomPartitioner = () => {
  const fallback = Partitioners.DefaultPartitioner();
  return (args) => {
    const { key, partition: explicit } = args.message;
    if (key === null || key === undefined || (explicit !== undefined && explicit !== null)) return fallback(args);
    return (murmur2OfKey(key) & 0x7fffffff) % args.partitionMetadata.length;
  };
};
