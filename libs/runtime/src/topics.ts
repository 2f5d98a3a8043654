import type { PortscoreConfig } from '@portscore/config';
import type { TopicSpec } from '@portscore/messaging';

/**
 * Every topic Portscore reads or writes; indicator and score topics are compacted (latest per
 * key). Filings and dead letters take messages well over MAX_FILING_BYTES, so that an oversize
 * filing reaches the gateway and is dead-lettered with a reason instead of bouncing off the broker.
 */
export function topicSpecs(config: PortscoreConfig): TopicSpec[] {
  const partitions = config.topicPartitions;
  const maxMessageBytes = Math.max(8 * 1024 * 1024, 4 * config.maxFilingBytes);
  return [
    { topic: config.topics.filings, partitions, maxMessageBytes },
    { topic: config.topics.events, partitions, maxMessageBytes },
    { topic: config.topics.deadLetters, partitions, maxMessageBytes },
    { topic: config.topics.indicators, partitions, compacted: true },
    { topic: config.topics.scores, partitions, compacted: true },
  ];
}
