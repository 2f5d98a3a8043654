import Module, { createRequire } from 'node:module';

/** The arguments kafkajs's producer passes to its per-partition grouping. */
export interface GroupingArgs<M> {
  topic: string;
  partitionMetadata: readonly unknown[];
  messages: readonly M[];
  partitioner: (args: { topic: string; partitionMetadata: readonly unknown[]; message: M }) => number;
}

/**
 * A send's messages grouped by the partition the partitioner picks, each group in send order:
 * what kafkajs's `src/producer/groupMessagesPerPartition.js` returns, in one pass. kafkajs's own
 * copies a partition's whole list for every message added to it (`[...current, message]`), so
 * its cost grows with the square of the messages a send holds: at the 512 KiB the bus sends at
 * once (about 1,300 canonical events) it was a tenth of all the scorer allocated, and it cost the
 * gateway about 8 % of its CPU (docs/benchmarks.md).
 */
export function groupMessagesPerPartition<M>({
  topic,
  partitionMetadata,
  messages,
  partitioner,
}: GroupingArgs<M>): Record<number, M[]> {
  const groups: Record<number, M[]> = {};
  if (partitionMetadata.length === 0) return groups;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    const group = groups[partition];
    if (group) group.push(message);
    else groups[partition] = [message];
  }
  return groups;
}

/**
 * Whether kafkajs's producer in this process groups with the function above. It is put in
 * Node's module cache under kafkajs's own file name before kafkajs is first loaded (this module
 * is imported ahead of kafkajs wherever kafkajs is imported), so kafkajs's `require` of it gets
 * this one. False where there is no CommonJS module cache (under Jest) or kafkajs was loaded
 * earlier or has moved the file; kafkajs's own grouping is then used, with the same result.
 */
export const onePassGroupingInstalled: boolean = install();

function install(): boolean {
  const load = createRequire(__filename);
  let grouping: string;
  let sender: string;
  try {
    grouping = load.resolve('kafkajs/src/producer/groupMessagesPerPartition');
    sender = load.resolve('kafkajs/src/producer/sendMessages');
  } catch {
    return false;
  }
  const cache = load.cache as NodeJS.Dict<NodeJS.Module> | undefined;
  if (!cache || typeof cache !== 'object') return false;
  if (cache[sender]) return cache[grouping]?.exports === groupMessagesPerPartition;
  const module = new Module(grouping);
  module.filename = grouping;
  module.loaded = true;
  module.exports = groupMessagesPerPartition;
  cache[grouping] = module;
  return cache[grouping] === module;
}
