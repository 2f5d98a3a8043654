import type { RawFiling } from '@portscore/contracts';
import type { IncomingMessage } from '@portscore/messaging';
import type { ConsumerPosition, OutcomeCount } from '@portscore/persistence';

export interface IncomingFiling extends RawFiling {
  /** Header bytes exactly as received, forwarded untouched with a dead letter. */
  rawHeaders: Record<string, Buffer>;
  key: string | null;
  /** Where it came from (topic/partition/offset, or http), recorded on dead letters. */
  origin: string;
  /** Kafka offset, when it came from a partition. */
  offset?: string;
}

/** A consumed Kafka message as a filing, its origin the message's topic, partition and offset. */
export function incomingFiling(message: IncomingMessage): IncomingFiling {
  return {
    value: message.value,
    headers: message.headers,
    rawHeaders: message.rawHeaders,
    key: message.key,
    origin: `${message.topic}/${message.partition}/${message.offset}`,
    offset: message.offset,
  };
}

export interface IngestFilingsCommand {
  filings: IncomingFiling[];
  /** For a Kafka batch: its partition, so results and position are recorded together. */
  partition?: Omit<ConsumerPosition, 'nextOffset'>;
  /** The port a caller may publish for; filings for any other port are refused. */
  onlyPort?: string;
}

export type FilingOutcome =
  | { status: 'accepted'; source: string; id: string }
  | { status: 'duplicate'; source: string; id: string }
  | { status: 'rejected'; reason: string; detail: string; origin: string; source?: string; id?: string; port?: string };

export interface IngestFilingsResult {
  outcomes: FilingOutcome[];
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Messages of the batch skipped because their results were recorded before (a redelivery). */
  alreadyProcessed: number;
  /** Outcomes counted by status and reject reason (as recorded in ingest_count). */
  counts: OutcomeCount[];
  /** Where the time went: parsing and validation, database round trips, publishing to Kafka. */
  timings: { validateMs: number; databaseMs: number; publishMs: number };
}
