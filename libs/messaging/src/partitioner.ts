import { type ICustomPartitioner, Partitioners } from 'kafkajs';

/** Keys remembered per producer before the memory is cleared and starts again (about 3 MB). */
const REMEMBERED_KEYS = 20_000;

/**
 * kafkajs's default partitioner (murmur2 of the key, as the Java client) with each string key's
 * partition remembered. kafkajs computes murmur2 with a 64-bit integer emulation on every
 * message; the services send the same keys again and again (a port, an indicator's window), and
 * the hash showed in their CPU profiles. Same partitions as the default, so compacted topics keep
 * one partition per key.
 */
export const RememberingPartitioner: ICustomPartitioner = () => {
  const partition = Partitioners.DefaultPartitioner();
  const known = new Map<string, number>();
  return (args) => {
    const { key, partition: explicit } = args.message;
    if (typeof key !== 'string' || (explicit !== undefined && explicit !== null)) return partition(args);
    const id = `${args.topic}\u0000${args.partitionMetadata.length}\u0000${key}`;
    let found = known.get(id);
    if (found === undefined) {
      if (known.size >= REMEMBERED_KEYS) known.clear();
      found = partition(args);
      known.set(id, found);
    }
    return found;
  };
};
