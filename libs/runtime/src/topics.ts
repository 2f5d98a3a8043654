import type { PortscoreConfig } from '@portscore/config';
import type { TopicSpec } from '@portscore/messaging';

/** Every topic Portscore reads or writes; indicator and score topics are compacted (latest per key). */
export function topicSpecs(config: PortscoreConfig): TopicSpec[] {
  const partitions = config.topicPartitions;
  return [
    { topic: config.topics.filings, partitions },
    { topic: config.topics.events, partitions },
    { topic: config.topics.deadLetters, partitions },
    { topic: config.topics.indicators, partitions, compacted: true },
    { topic: config.topics.scores, partitions, compacted: true },
  ];
}
