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

export interface IngestRecord {
  receipts: FilingReceipt[];
  counts: OutcomeCount[];
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
      const nonZero = counts.filter((c) => c.count > 0);
      if (nonZero.length > 0) {
        await manager.query(
          `INSERT INTO ingest_count AS c (outcome, reason, count)
           SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
           ON CONFLICT (outcome, reason) DO UPDATE SET count = c.count + excluded.count`,
          [nonZero.map((c) => c.outcome), nonZero.map((c) => c.reason), nonZero.map((c) => c.count)],
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
    });
  }

  async counts(): Promise<OutcomeCount[]> {
    const rows: Array<{ outcome: IngestOutcome; reason: string; count: string }> = await this.dataSource.query(
      `SELECT outcome, reason, count FROM ingest_count ORDER BY outcome, reason`,
    );
    return rows.map((row) => ({ outcome: row.outcome, reason: row.reason, count: Number(row.count) }));
  }
}
