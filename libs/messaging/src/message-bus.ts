/** The project's own messaging interface; kafkajs stays behind it (kafka-bus.ts). */

export type Headers = Record<string, string | undefined>;

export interface OutgoingMessage {
  key: string | null;
  value: Buffer | string | null;
  headers?: Record<string, string | Buffer>;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer;
  /** Header values decoded as UTF-8 for reading. */
  headers: Headers;
  /** Header values exactly as received, for forwarding untouched (dead letters). */
  rawHeaders: Record<string, Buffer>;
  timestamp: string;
}

export interface MessagePublisher {
  publish(topic: string, messages: OutgoingMessage[]): Promise<void>;
}

export type BatchHandler = (messages: IncomingMessage[]) => Promise<void>;

export interface TopicSpec {
  topic: string;
  partitions: number;
  compacted?: boolean;
  /** Largest message the topic takes (max.message.bytes); the broker default otherwise. */
  maxMessageBytes?: number;
}

export interface ConsumerSpec {
  groupId: string;
  topic: string;
  fromBeginning?: boolean;
  handler: BatchHandler;
  /** Batches of different partitions handled at the same time (default 1). */
  concurrency?: number;
  /** Bytes fetched per partition at a time, which bounds a batch (default 4 MiB). */
  maxBatchBytes?: number;
  /** A fetch waits for this many bytes (default 1) or `maxWaitMs` (default 5000), whichever comes first. */
  minBatchBytes?: number;
  maxWaitMs?: number;
  /** Told after each committed batch: its size, time and the partition's remaining lag. */
  onBatch?: (stats: BatchStats) => void;
}

export interface BatchStats {
  topic: string;
  partition: number;
  messages: number;
  seconds: number;
  /** Messages behind the partition's high watermark after this batch. */
  lag: number;
  /** How long the batch's first message waited, from its record timestamp to the batch being handed over. */
  waitedSeconds: number;
}
