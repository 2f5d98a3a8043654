import {
  type CanonicalEvent,
  contentDigest,
  eventKey,
  FilingRejectCode,
  FilingRejectedException,
  type FilingValidator,
} from '@portscore/contracts';
import type { MessagePublisher, OutgoingMessage } from '@portscore/messaging';
import type { FilingReceiptStore } from '@portscore/persistence';

import type { FilingOutcome, IngestFilingsCommand, IngestFilingsResult } from './ingest-filings.command';

export interface IngestTopics {
  events: string;
  deadLetters: string;
}

/**
 * Validates a batch of filings and routes each one: accepted to the canonical topic, a repeat of
 * an accepted (source, id) counted as a duplicate, anything else to the dead-letter topic with
 * its original bytes and a reason. Receipts are recorded only after the events are published, so
 * a crash in between re-forwards (and the scorer ignores the repeat) rather than losing a filing.
 */
export class IngestFilingsUseCase {
  constructor(
    private readonly validator: FilingValidator,
    private readonly receipts: FilingReceiptStore,
    private readonly publisher: MessagePublisher,
    private readonly topics: IngestTopics,
  ) {}

  async execute(command: IngestFilingsCommand): Promise<IngestFilingsResult> {
    const validated = command.filings.map((filing) => {
      try {
        const event = this.validator.validate(filing);
        return { filing, event, digest: contentDigest(event) };
      } catch (error) {
        if (error instanceof FilingRejectedException) return { filing, rejection: error };
        throw error;
      }
    });

    const known = await this.receipts.digests(
      validated.flatMap((v) => (v.event ? [{ source: v.event.source, id: v.event.id }] : [])),
    );

    const accepted: Array<{ event: CanonicalEvent; digest: string }> = [];
    const deadLetters: OutgoingMessage[] = [];
    const outcomes: FilingOutcome[] = validated.map((v) => {
      if (!v.event) {
        deadLetters.push(deadLetter(v.filing, v.rejection!.code, v.rejection!.detail));
        return { status: 'rejected', reason: v.rejection!.code, detail: v.rejection!.detail };
      }
      const { event, digest } = v as { event: CanonicalEvent; digest: string };
      const key = eventKey(event);
      const previous = known.get(key);
      if (previous === undefined) {
        known.set(key, digest);
        accepted.push({ event, digest });
        return { status: 'accepted', source: event.source, id: event.id };
      }
      if (previous === digest) return { status: 'duplicate', source: event.source, id: event.id };
      const detail = `source/id: (${event.source}, ${event.id}) was accepted before with different content`;
      deadLetters.push(deadLetter(v.filing, FilingRejectCode.Conflict, detail));
      return { status: 'rejected', reason: FilingRejectCode.Conflict, detail, source: event.source, id: event.id };
    });

    await Promise.all([
      this.publisher.publish(
        this.topics.events,
        accepted.map(({ event }) => ({
          key: event.port,
          value: JSON.stringify(event),
          headers: { 'content-type': 'application/cloudevents+json' },
        })),
      ),
      this.publisher.publish(this.topics.deadLetters, deadLetters),
    ]);
    await this.receipts.record(
      accepted.map(({ event, digest }) => ({ source: event.source, id: event.id, digest, port: event.port })),
    );

    return {
      outcomes,
      accepted: accepted.length,
      duplicates: outcomes.filter((o) => o.status === 'duplicate').length,
      rejected: deadLetters.length,
    };
  }
}

function deadLetter(
  filing: IngestFilingsCommand['filings'][number],
  reason: FilingRejectCode,
  detail: string,
): OutgoingMessage {
  return {
    key: filing.key,
    value: filing.value,
    headers: {
      ...filing.rawHeaders,
      'x-reject-reason': reason,
      // Header values must stay on one line for every client that reads them.
      'x-reject-detail': detail.replace(/[\r\n]+/g, ' ').slice(0, 1000),
      'x-origin': filing.origin,
    },
  };
}
