import { type CanonicalEvent, FilingRejectCode } from '@portscore/contracts';
import { deadLetter, describeDeadLetter, incomingFiling } from '@portscore/ingest';
import type { IncomingMessage, MessagePublisher } from '@portscore/messaging';
import { insertDeadLetters } from '@portscore/persistence';
import type { DataSource } from 'typeorm';

/** An event the scorer could not score, with why. */
export interface FailedEvent {
  message: IncomingMessage;
  /** The event, when the message is one. */
  event?: CanonicalEvent;
  detail: string;
}

/** The injection token of the scorer's `EventDeadLetters`. */
export const EVENT_DEAD_LETTERS = Symbol('EventDeadLetters');

/** Where events the scorer gives up on go, so that a partition is never stopped for good by one. */
export interface EventDeadLetters {
  deadLetter(failed: FailedEvent[]): Promise<void>;
}

/**
 * Dead-letters events as `scoring_failed`: the canonical event's bytes and headers, untouched, on
 * the dead-letter topic (from where `portscore dlq redrive` sends them back to the events topic),
 * and listed with every other dead letter for the API. Published before it is listed, so a
 * failure in between can repeat a dead letter on the topic but never lose one.
 */
export class KafkaEventDeadLetters implements EventDeadLetters {
  constructor(
    private readonly publisher: MessagePublisher,
    private readonly topic: string,
    private readonly dataSource: Pick<DataSource, 'query'>,
  ) {}

  async deadLetter(failed: FailedEvent[]): Promise<void> {
    if (failed.length === 0) return;
    const letters = failed.map(({ message, detail }) => ({ filing: incomingFiling(message), detail }));
    await this.publisher.publish(
      this.topic,
      letters.map(({ filing, detail }) => deadLetter(filing, FilingRejectCode.ScoringFailed, detail)),
    );
    await insertDeadLetters(
      this.dataSource,
      letters.map(({ filing, detail }) => describeDeadLetter(filing, FilingRejectCode.ScoringFailed, detail)),
    );
  }
}
