import type { RawFiling } from '@portscore/contracts';

export interface IncomingFiling extends RawFiling {
  /** Header bytes exactly as received, forwarded untouched with a dead letter. */
  rawHeaders: Record<string, Buffer>;
  key: string | null;
  /** Where it came from (topic/partition/offset or "http"), recorded on dead letters. */
  origin: string;
}

export interface IngestFilingsCommand {
  filings: IncomingFiling[];
}

export type FilingOutcome =
  | { status: 'accepted'; source: string; id: string }
  | { status: 'duplicate'; source: string; id: string }
  | { status: 'rejected'; reason: string; detail: string; source?: string; id?: string };

export interface IngestFilingsResult {
  outcomes: FilingOutcome[];
  accepted: number;
  duplicates: number;
  rejected: number;
}
