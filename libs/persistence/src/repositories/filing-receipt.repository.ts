import { eventKey } from '@portscore/contracts';
import type { DataSource } from 'typeorm';

export interface FilingReceipt {
  source: string;
  id: string;
  digest: string;
  port: string;
}

export type IngestOutcome = 'accepted' | 'duplicate' | 'rejected';

export interface OutcomeCount {
  outcome: IngestOutcome;
  /** Reject reason code; '' for accepted and duplicate. */
  reason: string;
  count: number;
}

/** A consumer's position: the next offset to process on one partition. */
export interface ConsumerPosition {
  groupId: string;
  topic: string;
  partition: number;
  nextOffset: string;
}

/** What is kept of a dead letter for browsing; the original bytes are on the dead-letter topic. */
export interface DeadLetterRecord {
  reason: string;
  detail: string;
  origin: string;
  port: string | null;
  source: string | null;
  eventId: string | null;
  contentType: string | null;
  size: number;
  /** The first 2,000 characters of the body. */
  preview: string;
}

export interface IngestRecord {
  receipts: FilingReceipt[];
  counts: OutcomeCount[];
  deadLetters?: DeadLetterRecord[];
  position?: ConsumerPosition;
}

/**
 * What the gateway remembers: forwarded (source, id) pairs with a digest of their content,
 * outcome counters, and the offsets it has processed — the last three written together.
 */
export interface IngestStore {
  /** Digests already recorded for the given keys (absent keys are new). */
  digests(keys: Array<Pick<FilingReceipt, 'source' | 'id'>>): Promise<Map<string, string>>;
  /** The next unprocessed offset of a partition, as recorded with the results; undefined if none. */
  nextOffset(position: Omit<ConsumerPosition, 'nextOffset'>): Promise<string | undefined>;
  /** Records a processed batch in one transaction. A pair recorded already keeps its first digest. */
  record(entry: IngestRecord): Promise<void>;
  counts(): Promise<OutcomeCount[]>;
}

export class PgIngestStore implements IngestStore {
  constructor(private readonly dataSource: DataSource) {}

  async digests(keys: Array<Pick<FilingReceipt, 'source' | 'id'>>): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    const rows: Array<{ source: string; id: string; digest: string }> = await this.dataSource.query(
      `SELECT r.source, r.id, r.digest
         FROM filing_receipt r
         JOIN unnest($1::text[], $2::text[]) AS k(source, id) ON r.source = k.source AND r.id = k.id`,
      [keys.map((k) => k.source), keys.map((k) => k.id)],
    );
    return new Map(rows.map((row) => [eventKey(row), row.digest]));
  }

  async nextOffset(position: Omit<ConsumerPosition, 'nextOffset'>): Promise<string | undefined> {
    const rows: Array<{ next_offset: string }> = await this.dataSource.query(
      `SELECT next_offset FROM consumer_offset WHERE group_id = $1 AND topic = $2 AND partition = $3`,
      [position.groupId, position.topic, position.partition],
    );
    return rows[0]?.next_offset;
  }

  async record(entry: IngestRecord): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const { receipts, counts, position } = entry;
      if (receipts.length > 0) {
        await manager.query(
          `INSERT INTO filing_receipt (source, id, digest, port)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
           ON CONFLICT (source, id) DO NOTHING`,
          [
            receipts.map((r) => r.source),
            receipts.map((r) => r.id),
            receipts.map((r) => r.digest),
            receipts.map((r) => r.port),
          ],
        );
      }
      // Dead letters may hold any bytes; PostgreSQL text holds no NUL.
      const clean = (text: string | null) => (text === null ? null : text.replace(/\u0000/g, '\uFFFD'));
      const letters = (entry.deadLetters ?? []).map((l) => ({
        ...l,
        detail: clean(l.detail)!,
        origin: clean(l.origin)!,
        port: clean(l.port),
        source: clean(l.source),
        eventId: clean(l.eventId),
        contentType: clean(l.contentType),
        preview: clean(l.preview)!,
      }));
      if (letters.length > 0) {
        await manager.query(
          `INSERT INTO dead_letter (reason, detail, origin, port, source, event_id, content_type, size, preview)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::text[])`,
          [
            letters.map((l) => l.reason),
            letters.map((l) => l.detail),
            letters.map((l) => l.origin),
            letters.map((l) => l.port),
            letters.map((l) => l.source),
            letters.map((l) => l.eventId),
            letters.map((l) => l.contentType),
            letters.map((l) => l.size),
            letters.map((l) => l.preview),
          ],
        );
      }
      if (position) {
        await manager.query(
          `INSERT INTO consumer_offset AS o (group_id, topic, partition, next_offset)
           VALUES ($1, $2, $3, $4)
           ON CONFLICT (group_id, topic, partition) DO UPDATE
             SET next_offset = GREATEST(o.next_offset, excluded.next_offset), updated_at = now()`,
          [position.groupId, position.topic, position.partition, position.nextOffset],
        );
      }
      // Last: every batch adds to the same few counter rows, so their row locks are held only
      // from here to the commit, not while the batch's other rows are written.
      // In one order for every batch, so two batches never wait for each other's rows crosswise.
      const nonZero = counts
        .filter((c) => c.count > 0)
        .sort((a, b) => (a.outcome + '|' + a.reason < b.outcome + '|' + b.reason ? -1 : 1));
      if (nonZero.length > 0) {
        await manager.query(
          `INSERT INTO ingest_count AS c (outcome, reason, count)
           SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
           ON CONFLICT (outcome, reason) DO UPDATE SET count = c.count + excluded.count`,
          [nonZero.map((c) => c.outcome), nonZero.map((c) => c.reason), nonZero.map((c) => c.count)],
        );
      }
    });
  }

  async counts(): Promise<OutcomeCount[]> {
    const rows: Array<{ outcome: IngestOutcome; reason: string; count: string }> = await this.dataSource.query(
      `SELECT outcome, reason, count FROM ingest_count ORDER BY outcome, reason`,
    );
    return rows.map((row) => ({ outcome: row.outcome, reason: row.reason, count: Number(row.count) }));
  }
}
