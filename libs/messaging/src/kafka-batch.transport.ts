import { type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';

import type { KafkaBus } from './kafka-bus';
import type { ConsumerSpec, IncomingMessage } from './message-bus';

export interface KafkaBatchTransportOptions {
  bus: KafkaBus;
  groupId: string;
  /** Maps the logical pattern of an @EventPattern handler (e.g. 'filings') to its topic. */
  topics: Record<string, string>;
  /** Batches of different partitions handled at the same time (default 1). */
  concurrency?: number;
  /** Bytes fetched per partition at a time (default 4 MiB). */
  maxBatchBytes?: number;
  /** A fetch waits for this many bytes or `maxWaitMs`, whichever comes first. */
  minBatchBytes?: number;
  maxWaitMs?: number;
  /** Told after each committed batch (metrics). */
  onBatch?: ConsumerSpec['onBatch'];
}

/**
 * A Nest microservice transport that hands each handler a whole Kafka batch
 * (`@EventPattern('filings') handle(messages: IncomingMessage[])`), so consumers can batch I/O.
 * Offsets are committed only after the handler's promise resolves.
 */
export class KafkaBatchTransport extends Server implements CustomTransportStrategy {
  constructor(private readonly options: KafkaBatchTransportOptions) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      for (const [pattern, handler] of this.messageHandlers) {
        const topic = this.options.topics[pattern];
        if (!topic) throw new Error(`no topic is configured for event pattern ${pattern}`);
        await this.options.bus.consume({
          groupId: this.options.groupId,
          topic,
          handler: (messages) => this.dispatch(handler, messages),
          onBatch: this.options.onBatch,
          concurrency: this.options.concurrency,
          maxBatchBytes: this.options.maxBatchBytes,
          minBatchBytes: this.options.minBatchBytes,
          maxWaitMs: this.options.maxWaitMs,
        });
      }
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    await this.options.bus.disconnect();
  }

  on(): void {
    // Client status events are logged by the bus itself.
  }

  unwrap<T>(): T {
    return this.options.bus as T;
  }

  private async dispatch(handler: MessageHandler, messages: IncomingMessage[]): Promise<void> {
    const result = await handler(messages);
    if (result && typeof (result as { subscribe?: unknown }).subscribe === 'function') {
      await new Promise<void>((resolve, reject) =>
        (result as { subscribe: (o: object) => void }).subscribe({ complete: resolve, error: reject }),
      );
    }
  }
}
