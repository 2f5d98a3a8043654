import { type CanonicalEvent, eventKey } from '@portscore/contracts';
import type { DataSource, EntityManager } from 'typeorm';

import { type DeadLetterRecord, insertDeadLetters } from './dead-letters';

/** An accepted canonical event, to be stored unless its (source, id) was stored before. */
export interface EventClaim {
  event: CanonicalEvent;
  /** SHA-256 of the event's canonical content (`contentDigest`). */
  digest: string;
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

/** What a processed batch adds besides its accepted events. */
export interface IngestRecord {
  counts: OutcomeCount[];
  deadLetters?: DeadLetterRecord[];
  position?: ConsumerPosition;
}

/**
 * What the gateway remembers: the accepted events, each with a digest of its content, outcome
 * counters, and the offsets it has processed — a batch's share written in one transaction.
 */
export interface IngestStore {
  /**
   * Runs `work` in one transaction: what it claims and records stays only if it returns. A key it
   * claimed is held until then, so a concurrent batch claiming the same key waits for the outcome.
   */
  transaction<T>(work: (unit: IngestUnit) => Promise<T>): Promise<T>;
  /** The next unprocessed offset of a partition, as recorded with the results; undefined if none. */
  nextOffset(position: Omit<ConsumerPosition, 'nextOffset'>): Promise<string | undefined>;
  counts(): Promise<OutcomeCount[]>;
}

export interface IngestUnit {
  /**
   * Waits until no other transaction is recording results of the partition, then holds it until
   * this one ends, and returns its next unprocessed offset as recorded (undefined if none).
   */
  holdPosition(partition: Omit<ConsumerPosition, 'nextOffset'>): Promise<string | undefined>;
  /**
   * Stores the events whose keys were not stored before (of a key listed twice, the first) and
   * returns, for every other key listed, the digest stored first.
   */
  claim(claims: EventClaim[]): Promise<Map<string, string>>;
  /** Counters, dead letters and the partition position. */
  record(entry: IngestRecord): Promise<void>;
}

/** The first key of the gateway's partition locks ("PS"). */
const PARTITION_LOCK_CLASS = 0x5053;

export class PgIngestStore implements IngestStore {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (unit: IngestUnit) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(new PgIngestUnit(manager)));
  }

  nextOffset(position: Omit<ConsumerPosition, 'nextOffset'>): Promise<string | undefined> {
    return recordedNextOffset(this.dataSource, position);
  }

  async counts(): Promise<OutcomeCount[]> {
    const rows: Array<{ outcome: IngestOutcome; reason: string; count: string }> = await this.dataSource.query(
      `SELECT outcome, reason, count FROM ingest_count ORDER BY outcome, reason`,
    );
    return rows.map((row) => ({ outcome: row.outcome, reason: row.reason, count: Number(row.count) }));
  }
}

class PgIngestUnit implements IngestUnit {
  constructor(private readonly manager: EntityManager) {}

  async holdPosition(partition: Omit<ConsumerPosition, 'nextOffset'>): Promise<string | undefined> {
    // The two-key advisory locks are a space of their own: no clash with the scorer's port locks.
    await this.manager.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [
      PARTITION_LOCK_CLASS,
      `${partition.groupId}/${partition.topic}/${partition.partition}`,
    ]);
    // Read in a statement of its own, after the lock: its snapshot then sees the other's commit.
    return recordedNextOffset(this.manager, partition);
  }

  async claim(claims: EventClaim[]): Promise<Map<string, string>> {
    const first = new Map<string, EventClaim>();
    for (const claim of claims) {
      const key = eventKey(claim.event);
      if (!first.has(key)) first.set(key, claim);
    }
    if (first.size === 0) return new Map();
    const list = [...first.values()];
    // The insert finds the keys stored before: no lookup ahead of it. The events go as one JSON
    // document (one string, serialised natively; not one per event kept through the round trip),
    // their digests beside it; read as jsonb, the data column is a piece of the parsed document,
    // not parsed again.
    const inserted: Array<{ source: string; id: string }> = await this.manager.query(
      `INSERT INTO event (source, id, type, port, time, subject, data, digest)
       SELECT e.source, e.id, e.type, e.port, e.time, e.subject, e.data, e.digest
         FROM ROWS FROM (
                jsonb_to_recordset($1::jsonb)
                  AS (source text, id text, type text, port text, time timestamptz, subject text, data jsonb),
                unnest($2::text[])
              ) AS e(source, id, type, port, time, subject, data, digest)
        -- In one order for every batch, so two batches claiming the same keys never wait crosswise;
        -- the key's byte order, the order of its index.
        ORDER BY e.source COLLATE "C", e.id COLLATE "C"
       ON CONFLICT (source, id) DO NOTHING
       RETURNING source, id`,
      [JSON.stringify(list.map((c) => c.event)), list.map((c) => c.digest)],
    );
    if (inserted.length === list.length) return new Map();
    const claimed = new Set(inserted.map(eventKey));
    const taken = list.filter((c) => !claimed.has(eventKey(c.event))).map((c) => c.event);
    const rows: Array<{ source: string; id: string; digest: string | null }> = await this.manager.query(
      `SELECT e.source, e.id, e.digest
         FROM event e
         JOIN unnest($1::text[], $2::text[]) AS k(source, id) ON e.source = k.source AND e.id = k.id`,
      [taken.map((k) => k.source), taken.map((k) => k.id)],
    );
    // A null digest (an event stored without one before) matches no filing: a conflict.
    return new Map(rows.map((row) => [eventKey(row), row.digest ?? '']));
  }

  async record(entry: IngestRecord): Promise<void> {
    const { counts, position } = entry;
    await insertDeadLetters(this.manager, entry.deadLetters ?? []);
    if (position) {
      await this.manager.query(
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
      await this.manager.query(
        `INSERT INTO ingest_count AS c (outcome, reason, count)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
         ON CONFLICT (outcome, reason) DO UPDATE SET count = c.count + excluded.count`,
        [nonZero.map((c) => c.outcome), nonZero.map((c) => c.reason), nonZero.map((c) => c.count)],
      );
    }
  }
}

/** The next unprocessed offset recorded for a partition; undefined if none. */
async function recordedNextOffset(
  database: Pick<DataSource, 'query'>,
  position: Omit<ConsumerPosition, 'nextOffset'>,
): Promise<string | undefined> {
  const rows: Array<{ next_offset: string }> = await database.query(
    `SELECT next_offset FROM consumer_offset WHERE group_id = $1 AND topic = $2 AND partition = $3`,
    [position.groupId, position.topic, position.partition],
  );
  return rows[0]?.next_offset;
}
