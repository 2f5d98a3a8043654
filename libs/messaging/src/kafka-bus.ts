// Before kafkajs: replaces a part of it in the module cache (see the module).
import './kafkajs-fast-paths';

import {
  type Admin,
  type Consumer,
  type IHeaders,
  Kafka,
  type KafkaMessage,
  type logCreator,
  logLevel,
  type Producer,
  type SASLOptions,
} from 'kafkajs';

import type { ConsumerSpec, IncomingMessage, MessagePublisher, OutgoingMessage, TopicSpec } from './message-bus';
import { Murmur2Partitioner } from './partitioner';

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  /** The service named on the client's log lines (default: the client id). */
  service?: string;
  /** TLS and SASL settings (KAFKA_SSL*, KAFKA_SASL_*). */
  ssl?: false | { ca?: string[]; cert?: string; key?: string };
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  /** Called for client-level errors that the bus cannot handle itself. */
  onError?: (error: Error) => void;
}

/**
 * kafkajs behind the messaging interface: an idempotent producer, batch consumers that commit
 * a batch's offsets only after its handler has finished, and topic creation.
 */
export class KafkaBus implements MessagePublisher {
  private readonly kafka: Kafka;
  private producer: Promise<Producer> | undefined;
  private readonly consumers: Consumer[] = [];
  private pingAdmin: Admin | undefined;

  constructor(private readonly options: KafkaBusOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: logLevel.WARN,
      logCreator: quietTransientErrors(options.service ?? options.clientId),
      ...(options.ssl ? { ssl: Object.keys(options.ssl).length > 0 ? options.ssl : true } : {}),
      ...(options.sasl ? { sasl: options.sasl as SASLOptions } : {}),
      // Waits growing to 5 s: a broker back from a restart is found within seconds.
      retry: { initialRetryTime: 200, retries: 10, maxRetryTime: 5000 },
    });
  }

  async ensureTopics(specs: TopicSpec[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = specs.filter((spec) => !existing.has(spec.topic));
      if (missing.length > 0) {
        const topics = missing.map((spec) => ({
          topic: spec.topic,
          numPartitions: spec.partitions,
          replicationFactor: -1,
          configEntries: [
            ...(spec.compacted
              ? [
                  { name: 'cleanup.policy', value: 'compact' },
                  { name: 'min.compaction.lag.ms', value: '0' },
                ]
              : []),
            ...(spec.maxMessageBytes ? [{ name: 'max.message.bytes', value: String(spec.maxMessageBytes) }] : []),
          ],
        }));
        await admin.createTopics({ waitForLeaders: true, topics }).catch(async (error: unknown) => {
          // Services starting together race to create the same topics; losing that race is fine.
          const now = new Set(await admin.listTopics());
          if (!missing.every((spec) => now.has(spec.topic))) throw error;
        });
      }
    } finally {
      await admin.disconnect();
    }
  }

  /** Whether a broker answers a metadata request within `timeoutMs` (for readiness checks). */
  async ping(timeoutMs = 3000): Promise<{ brokers: number }> {
    const admin = (this.pingAdmin ??= this.kafka.admin({ retry: { retries: 0 } }));
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        (async () => {
          await admin.connect();
          const cluster = await admin.describeCluster();
          return { brokers: cluster.brokers.length };
        })(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no broker answered within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (error) {
      // Reconnect from scratch next time: a half-open admin client can hang on a restarted broker.
      this.pingAdmin = undefined;
      void admin.disconnect().catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async deleteTopics(topics: string[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics });
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Sends messages with acks from all in-sync replicas. Large sets go in slices of at most
   * ~512 KiB, so no partition's record batch exceeds a broker's default message size limit.
   */
  async publish(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const connecting = this.connectedProducer();
    const producer = await connecting;
    let slice: OutgoingMessage[] = [];
    let bytes = 0;
    const send = async () => {
      if (slice.length === 0) return;
      await producer.send({
        topic,
        acks: -1,
        messages: slice.map((message) => ({ key: message.key, value: message.value, headers: message.headers })),
      });
      slice = [];
      bytes = 0;
    };
    try {
      for (const message of messages) {
        const size = (message.value?.length ?? 0) + (message.key?.length ?? 0) + 64;
        if (bytes + size > PUBLISH_SLICE_BYTES) await send();
        slice.push(message);
        bytes += size;
      }
      await send();
    } catch (error) {
      // A producer that gave up may have left the broker with sequence numbers it did not see
      // acknowledged: the next publish starts a new producer rather than reuse them.
      this.forgetProducer(connecting);
      void producer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  /** Starts a consumer; the handler gets each fetched batch of a partition, in order. */
  async consume(spec: ConsumerSpec): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: spec.groupId,
      // A member that died (kill -9, lost node) holds its partitions this long before a rebalance.
      sessionTimeout: 10000,
      heartbeatInterval: 3000,
      maxBytesPerPartition: spec.maxBatchBytes ?? 4 * 1024 * 1024,
      minBytes: spec.minBatchBytes ?? 1,
      maxWaitTimeInMs: spec.maxWaitMs ?? 5000,
      allowAutoTopicCreation: false,
    });
    this.consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: spec.topic, fromBeginning: spec.fromBeginning ?? true });
    await consumer.run({
      partitionsConsumedConcurrently: spec.concurrency ?? 1,
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        const started = performance.now();
        // The record timestamp of the first message: when its producer sent it (CreateTime).
        const waitedSeconds = Math.max(0, Date.now() - Number(batch.messages[0]!.timestamp)) / 1000;
        const messages = batch.messages.map((message) => decode(batch.topic, batch.partition, message));
        // A handler may wait out an outage; heartbeats keep the partition assigned meanwhile.
        const beating = setInterval(() => void heartbeat().catch(() => undefined), 3000);
        try {
          await spec.handler(messages);
        } finally {
          clearInterval(beating);
        }
        resolveOffset(batch.lastOffset());
        await commitOffsetsIfNecessary({
          topics: [
            {
              topic: batch.topic,
              partitions: [{ partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() }],
            },
          ],
        });
        await heartbeat();
        spec.onBatch?.({
          topic: batch.topic,
          partition: batch.partition,
          messages: messages.length,
          seconds: (performance.now() - started) / 1000,
          lag: Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(batch.lastOffset()) - 1n)),
          waitedSeconds,
        });
      },
    });
  }

  /**
   * Starts a consumer group that has not consumed yet at the current end of a topic: a consumer of
   * that group then reads only what is published from now on.
   */
  async positionGroupAtEnd(groupId: string, topic: string): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({
        groupId,
        topic,
        partitions: ends.map(({ partition, high }) => ({ partition, offset: high })),
      });
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * How many messages of the topic the consumer group has not committed yet, over all partitions:
   * the end of each partition less the group's committed offset there, or less the partition's
   * start where the group has committed nothing (its consumers read from the beginning).
   */
  async groupLag(groupId: string, topic: string): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const [ends, [committed]] = await Promise.all([
        admin.fetchTopicOffsets(topic),
        admin.fetchOffsets({ groupId, topics: [topic] }),
      ]);
      const next = new Map((committed?.partitions ?? []).map(({ partition, offset }) => [partition, BigInt(offset)]));
      let lag = 0n;
      for (const { partition, low, high } of ends) {
        const from = next.get(partition) ?? -1n;
        const behind = BigInt(high) - (from >= 0n ? from : BigInt(low));
        if (behind > 0n) lag += behind;
      }
      return Number(lag);
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Reads a topic from the beginning up to its end at the time of the call (a snapshot), with a
   * throwaway consumer group; returns the messages in partition order.
   */
  async readToEnd(topic: string, timeoutMs = 60_000): Promise<IncomingMessage[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    const ends = new Map<number, bigint>();
    try {
      for (const { partition, high } of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(high) > 0n) ends.set(partition, BigInt(high));
      }
    } finally {
      await admin.disconnect();
    }
    const collected: IncomingMessage[] = [];
    if (ends.size === 0) return collected;
    const consumer = this.kafka.consumer({ groupId: `${this.options.clientId}-read-${process.pid}-${Date.now()}` });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      const remaining = new Set(ends.keys());
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`reading ${topic} did not reach its end within ${timeoutMs} ms`)),
          timeoutMs,
        );
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const end = ends.get(batch.partition);
              if (end === undefined) return;
              for (const message of batch.messages) {
                if (BigInt(message.offset) < end) collected.push(decode(batch.topic, batch.partition, message));
              }
              if (BigInt(batch.lastOffset()) + 1n >= end) remaining.delete(batch.partition);
              if (remaining.size === 0) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    return collected.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  }

  async disconnect(): Promise<void> {
    await Promise.allSettled(this.consumers.map((consumer) => consumer.disconnect()));
    this.consumers.length = 0;
    if (this.pingAdmin) {
      await this.pingAdmin.disconnect().catch(() => undefined);
      this.pingAdmin = undefined;
    }
    const producer = this.producer;
    this.producer = undefined;
    if (producer) await (await producer.catch(() => undefined))?.disconnect();
  }

  /** The producer, connected once however many publish at the same time; a failed connection is tried again next time. */
  private connectedProducer(): Promise<Producer> {
    this.producer ??= (async () => {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Murmur2Partitioner,
        // Bounded, so that a broker away for long fails the publish (an outage the caller holds the
        // work for, and the metrics show) instead of keeping it, and a database transaction, open.
        retry: { retries: PUBLISH_RETRIES, maxRetryTime: 5000 },
      });
      await producer.connect();
      return producer;
    })();
    const connecting = this.producer;
    connecting.catch(() => this.forgetProducer(connecting));
    return connecting;
  }

  /** The next publish starts a new producer, unless this one was replaced already. */
  private forgetProducer(producer: Promise<Producer>): void {
    if (this.producer === producer) this.producer = undefined;
  }
}

function decode(topic: string, partition: number, message: KafkaMessage): IncomingMessage {
  const headers: Record<string, string | undefined> = {};
  const rawHeaders: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(message.headers ?? ({} as IHeaders))) {
    const raw = Array.isArray(value) ? value[0] : value;
    if (raw === undefined) continue;
    const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw));
    rawHeaders[name] = bytes;
    headers[name.toLowerCase()] = bytes.toString('utf8');
  }
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    value: message.value ?? Buffer.alloc(0),
    headers,
    rawHeaders,
    timestamp: message.timestamp,
  };
}

const PUBLISH_SLICE_BYTES = 512 * 1024;
/** A send's retries before it fails; each also reconnects with the client's retries (about a minute in all without a broker). */
const PUBLISH_RETRIES = 3;

/** Errors a client retries by itself while a broker starts or a group settles: not worth an ERROR line. */
const TRANSIENT =
  /coordinator is loading|coordinator is not available|not the correct coordinator|no leader|leadership election|rebalanc/i;
/** Said of every producer with bounded retries; ours is replaced after a failed send instead. */
const EXPECTED_WARNINGS = /Limiting retries for the idempotent producer/;

const LEVEL_NAMES: Record<number, string> = { 1: 'error', 2: 'warn', 4: 'info', 5: 'debug' };

/** kafkajs log lines as one JSON object per line on stderr, transient retried errors left out. */
/** A broker that is away makes every client retry and log; one line per kind of message per 10 s is enough. */
const REPEAT_INTERVAL_MS = 10_000;
const lastLogged = new Map<string, { at: number; suppressed: number }>();

const quietTransientErrors =
  (service: string): logCreator =>
  () =>
  ({ level, log }) => {
    const { message, error, ...rest } = log as { message: string; error?: string } & Record<string, unknown>;
    if (level <= logLevel.WARN && TRANSIENT.test(`${message} ${error ?? ''}`)) return;
    if (EXPECTED_WARNINGS.test(message)) return;
    const kind = message.replace(/\d+/g, '#');
    const now = Date.now();
    const last = lastLogged.get(kind);
    if (last && now - last.at < REPEAT_INTERVAL_MS) {
      last.suppressed += 1;
      return;
    }
    lastLogged.set(kind, { at: now, suppressed: 0 });
    const name = LEVEL_NAMES[level] ?? String(level);
    const repeated = last?.suppressed ? { repeatedSinceLastLine: last.suppressed } : {};
    const { stack: _stack, timestamp: _timestamp, ...fields } = rest;
    // The same shape as the services' own JSON lines.
    process.stderr.write(
      `${JSON.stringify({ level: name, time: new Date(now).toISOString(), service, context: 'kafkajs', ...fields, ...(error ? { error } : {}), ...repeated, msg: message })}\n`,
    );
  };
