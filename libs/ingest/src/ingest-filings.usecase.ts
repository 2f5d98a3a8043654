import {
  type CanonicalEvent,
  contentDigest,
  eventKey,
  FilingRejectCode,
  FilingRejectedException,
  type FilingValidator,
} from '@portscore/contracts';
import type { MessagePublisher, OutgoingMessage } from '@portscore/messaging';
import type { DeadLetterRecord, IngestStore, IngestUnit, OutcomeCount } from '@portscore/persistence';

import type {
  FilingOutcome,
  IncomingFiling,
  IngestFilingsCommand,
  IngestFilingsResult,
} from './ingest-filings.command';

export interface IngestTopics {
  events: string;
  deadLetters: string;
}

/**
 * Validates a batch of filings and routes each one: accepted to the canonical topic, a repeat of
 * an accepted (source, id) counted as a duplicate, anything else to the dead-letter topic with
 * its original bytes and a reason. Accepted events, counters and the partition position are
 * recorded in one transaction around the publishing: the accepted events are stored first (that
 * claims their keys: a concurrent batch with the same key waits for the outcome), the rest after
 * the events are published. A crash or a failed publish before the commit leaves nothing recorded:
 * the batch is forwarded again (scoring a repeat changes nothing) and nothing is counted twice.
 */
export class IngestFilingsUseCase {
  constructor(
    private readonly validator: FilingValidator,
    private readonly store: IngestStore,
    private readonly publisher: MessagePublisher,
    private readonly topics: IngestTopics,
  ) {}

  async execute(command: IngestFilingsCommand): Promise<IngestFilingsResult> {
    const started = performance.now();
    const filings = await this.unprocessed(command);
    const candidates = filings.map((filing) => this.validate(filing, command.onlyPort));
    const validatedAt = performance.now();
    return this.store.transaction(async (unit) => {
      // Checked again under the partition's lock: another member may have recorded the batch
      // since (after a rebalance while this one was held by an outage).
      const isNew = unprocessedSince(await this.heldPosition(unit, command));
      const validated = candidates.filter((v) => isNew(v.filing));
      const known = await unit.claim(validated.flatMap((v) => (v.event ? [{ event: v.event, digest: v.digest }] : [])));

      const accepted: CanonicalEvent[] = [];
      const deadLetters: OutgoingMessage[] = [];
      const deadLetterRecords: DeadLetterRecord[] = [];
      const refuse = (filing: IncomingFiling, code: FilingRejectCode, detail: string): FilingOutcome => {
        const record = describeDeadLetter(filing, code, detail);
        deadLetters.push(deadLetter(filing, code, detail));
        deadLetterRecords.push(record);
        return {
          status: 'rejected',
          reason: code,
          detail,
          origin: filing.origin,
          ...(record.source ? { source: record.source } : {}),
          ...(record.eventId ? { id: record.eventId } : {}),
          ...(record.port ? { port: record.port } : {}),
        };
      };
      const outcomes: FilingOutcome[] = validated.map((v) => {
        if (!v.event) return refuse(v.filing, v.rejection.code, v.rejection.detail);
        const { event, digest } = v;
        const key = eventKey(event);
        const previous = known.get(key);
        if (previous === undefined) {
          known.set(key, digest);
          accepted.push(event);
          return { status: 'accepted', source: event.source, id: event.id };
        }
        if (previous === digest) return { status: 'duplicate', source: event.source, id: event.id };
        const detail = `source/id: (${event.source}, ${event.id}) was accepted before with different content`;
        return {
          ...refuse(v.filing, FilingRejectCode.Conflict, detail),
          source: event.source,
          id: event.id,
          port: event.port,
        };
      });

      const lookedUpAt = performance.now();
      // Inside the transaction: if publishing fails, the claims go too and a retry forwards again.
      await Promise.all([
        this.publisher.publish(
          this.topics.events,
          accepted.map((event) => ({
            key: event.port,
            value: JSON.stringify(event),
            headers: { 'content-type': 'application/cloudevents+json' },
          })),
        ),
        this.publisher.publish(this.topics.deadLetters, deadLetters),
      ]);
      const publishedAt = performance.now();
      const counts = countOutcomes(outcomes);
      await unit.record({ counts, deadLetters: deadLetterRecords, position: position(command) });
      const recordedAt = performance.now();

      return {
        timings: {
          validateMs: validatedAt - started,
          databaseMs: lookedUpAt - validatedAt + (recordedAt - publishedAt),
          publishMs: publishedAt - lookedUpAt,
        },
        outcomes,
        counts,
        accepted: accepted.length,
        duplicates: outcomes.filter((o) => o.status === 'duplicate').length,
        rejected: deadLetters.length,
        alreadyProcessed: command.filings.length - validated.length,
      };
    });
  }

  /**
   * Dead-letters a whole batch that could not be processed (after bounded retries elsewhere), so
   * the partition moves on and nothing is lost: each message keeps its bytes and can be re-driven.
   * Returns how many were dead-lettered (those recorded before are skipped).
   */
  async deadLetterAll(command: IngestFilingsCommand, detail: string): Promise<number> {
    return this.store.transaction(async (unit) => {
      const filings = command.filings.filter(unprocessedSince(await this.heldPosition(unit, command)));
      await this.publisher.publish(
        this.topics.deadLetters,
        filings.map((filing) => deadLetter(filing, FilingRejectCode.RetriesExhausted, detail)),
      );
      // Counted and listed like every other dead letter, so the accounting stays whole.
      await unit.record({
        counts:
          filings.length > 0
            ? [{ outcome: 'rejected', reason: FilingRejectCode.RetriesExhausted, count: filings.length }]
            : [],
        deadLetters: filings.map((filing) => describeDeadLetter(filing, FilingRejectCode.RetriesExhausted, detail)),
        position: position(command),
      });
      return filings.length;
    });
  }

  /** The filings of a redelivered batch not recorded yet (a first look, outside any transaction). */
  private async unprocessed(command: IngestFilingsCommand): Promise<IncomingFiling[]> {
    if (!command.partition) return command.filings;
    return command.filings.filter(unprocessedSince(await this.store.nextOffset(command.partition)));
  }

  /** The partition's recorded position, held by this transaction until it ends (none without a partition). */
  private heldPosition(unit: IngestUnit, command: IngestFilingsCommand): Promise<string | undefined> {
    return command.partition ? unit.holdPosition(command.partition) : Promise.resolve(undefined);
  }

  private validate(
    filing: IncomingFiling,
    onlyPort: string | undefined,
  ):
    | { filing: IncomingFiling; event: CanonicalEvent; digest: string }
    | { filing: IncomingFiling; event?: undefined; rejection: FilingRejectedException } {
    try {
      const event = this.validator.validate(filing);
      if (onlyPort !== undefined && event.port !== onlyPort) {
        return {
          filing,
          rejection: new FilingRejectedException(
            FilingRejectCode.ForbiddenPort,
            `port: this credential may publish for ${onlyPort} only, not ${event.port}`,
          ),
        };
      }
      return { filing, event, digest: contentDigest(event) };
    } catch (error) {
      if (error instanceof FilingRejectedException) return { filing, rejection: error };
      // A filing that trips an unexpected error is this filing's problem, not the partition's.
      return {
        filing,
        rejection: new FilingRejectedException(
          FilingRejectCode.ProcessingError,
          `unexpected error: ${(error as Error).message}`,
        ),
      };
    }
  }
}

/** Whether a filing is at or after the next unprocessed offset (every filing when there is none). */
function unprocessedSince(next: string | undefined): (filing: IncomingFiling) => boolean {
  return (filing) => next === undefined || filing.offset === undefined || BigInt(filing.offset) >= BigInt(next);
}

function position(command: IngestFilingsCommand) {
  const last = command.filings.at(-1)?.offset;
  return command.partition && last !== undefined
    ? { ...command.partition, nextOffset: (BigInt(last) + 1n).toString() }
    : undefined;
}

function countOutcomes(outcomes: FilingOutcome[]): OutcomeCount[] {
  const counts = new Map<string, OutcomeCount>();
  for (const outcome of outcomes) {
    const reason = outcome.status === 'rejected' ? outcome.reason : '';
    const key = `${outcome.status}|${reason}`;
    const entry = counts.get(key) ?? { outcome: outcome.status, reason, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  return [...counts.values()];
}

/** The dead letter of a message: its key, bytes and headers untouched, plus reason, detail and origin. */
export function deadLetter(filing: IncomingFiling, reason: FilingRejectCode, detail: string): OutgoingMessage {
  return {
    key: filing.key,
    value: filing.value,
    headers: {
      ...filing.rawHeaders,
      'x-reject-reason': reason,
      // Header values stay on one line for every client that reads them.
      'x-reject-detail': detail.replace(/[\r\n]+/g, ' ').slice(0, 1000),
      'x-origin': filing.origin,
    },
  };
}

/** What the API shows of a dead letter: reason, where it came from and a preview of the body. */
export function describeDeadLetter(filing: IncomingFiling, reason: FilingRejectCode, detail: string): DeadLetterRecord {
  const text = filing.value.subarray(0, 8192).toString('utf8');
  let envelope: { port?: unknown; source?: unknown; id?: unknown } = {};
  try {
    const parsed = JSON.parse(filing.value.toString('utf8')) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) envelope = parsed as typeof envelope;
  } catch {
    // not JSON: attributes come from headers only
  }
  const pick = (value: unknown, header: string) =>
    typeof value === 'string'
      ? value.slice(0, 256)
      : (filing.headers[`ce_${header}`] ?? filing.headers[`ce-${header}`] ?? null);
  return {
    reason,
    detail,
    origin: filing.origin,
    port: pick(envelope.port, 'port'),
    source: pick(envelope.source, 'source'),
    eventId: pick(envelope.id, 'id'),
    contentType: filing.headers['content-type'] ?? null,
    size: filing.value.length,
    preview: text.slice(0, 2000),
  };
}
