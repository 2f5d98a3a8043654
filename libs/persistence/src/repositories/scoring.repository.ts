import type {
  CaseFact,
  CaseRecord,
  Grain,
  Indicator,
  IndicatorMessage,
  MeasureStatus,
  ScoredKpi,
  Sample,
  ScoreMessage,
  TimeWindow,
  WindowScores,
  WindowStats,
} from '@portscore/catalogue';
import { caseKey, emptyWindowStats, indicatorKey, scoreKey, toIndicatorMessage } from '@portscore/catalogue';
import type { DataSource, EntityManager } from 'typeorm';

import { statusReports } from './status-reports';

export interface CaseRef {
  port: string;
  caseType: string;
  caseId: string;
}

/** What one case contributes to one KPI: the case's sample, at its completing time. */
export interface SampleRow extends Sample {
  port: string;
  kpi: string;
  caseId: string;
  at: Date;
  /** The completing time the case's sample was stored at before, when the milestone moved earlier. */
  movedFrom?: Date;
  /**
   * No sample of this port, KPI and case was stored before: its case had no completing milestone
   * as loaded in this transaction. Such rows are inserted without conflict handling.
   */
  fresh?: boolean;
  /** The sample adds nothing to its windows (`adds`): the one stored before is removed, none stored. */
  empty?: boolean;
}

/** The aggregates of a KPI's samples completing in [start, end) at a port. */
export interface WindowStatsQuery {
  port: string;
  kpi: string;
  /** Day windows are summed from samples; weeks and months from the days' sums. */
  grain: Grain;
  start: Date;
  end: Date;
  /** The percentile to compute, when the KPI needs one. */
  percentile?: number;
  /** Whether the KPI needs distinct group counts. */
  groups?: boolean;
}

/** A port's cases of a type whose completing milestone shares an attribute value and lies at or after a time. */
export interface DependentCasesQuery {
  port: string;
  caseType: string;
  completing: string;
  attr: string;
  value: string;
  from: Date;
}

/** An indicator `saveIndicators` changed: its position in the list, and whether it is new. */
export interface IndicatorChange {
  index: number;
  inserted: boolean;
}

export interface WindowRef {
  port: string;
  grain: Grain;
  windowStart: Date;
}

/** The reads and writes of one scored batch, all inside one transaction. */
export interface ScoringUnit {
  /** Serialises scoring per port (taken in a fixed order, so concurrent batches cannot deadlock). */
  lockPorts(ports: string[]): Promise<void>;
  loadCases(refs: CaseRef[]): Promise<Map<string, CaseRecord>>;
  /**
   * Upserts facts keeping the earliest time per case milestone. `loaded` holds the facts' cases as
   * `loadCases` read them in this transaction: a fact of a milestone not among them is inserted
   * without conflict handling.
   */
  upsertFacts(facts: CaseFact[], loaded: Map<string, CaseRecord>): Promise<void>;
  /**
   * Cases of a type at each of the ports whose attribute is one of that port's values, in one read;
   * a port without any maps to an empty list.
   */
  loadCasesWhere(
    caseType: string,
    attr: string,
    valuesByPort: Map<string, string[]>,
  ): Promise<Map<string, CaseRecord[]>>;
  /** Cases of a type at each of the ports, in one read; a port without any maps to an empty list. */
  loadCasesOfPorts(ports: string[], caseType: string): Promise<Map<string, CaseRecord[]>>;
  /** The cases (with all their milestones) matching each query, in query order. */
  dependentCases(queries: DependentCasesQuery[]): Promise<CaseRecord[][]>;
  /**
   * Stores samples, replacing those of the same port, KPI and case (the one stored at `movedFrom`
   * when it is given, else the one at the same time; none when the sample is `fresh`). An `empty`
   * sample only removes the one stored before.
   */
  upsertSamples(samples: SampleRow[]): Promise<void>;
  /**
   * The aggregates of each window's samples, in query order. The sums of a week or month are
   * those of its days as of the latest call that included them, so every day whose samples
   * changed must be asked for in the same call or an earlier one.
   */
  windowStats(queries: WindowStatsQuery[]): Promise<WindowStats[]>;
  /** Saves indicators whose numbers changed; returns which changed, by position in the list. */
  saveIndicators(indicators: Indicator[], computedAt: Date): Promise<IndicatorChange[]>;
  /** All stored KPI values of each window, by KPI id. */
  loadWindowKpis(windows: WindowRef[]): Promise<Map<string, Map<string, ScoredKpi>>>;
  /** Every measure status report of the ports. */
  loadStatuses(ports: string[]): Promise<Map<string, MeasureStatus[]>>;
  /** Windows with scores at the port that end after the instant. */
  scoredWindowsEndingAfter(port: string, at: Date): Promise<TimeWindow[]>;
  /** Every KPI window of the port with a stored indicator (those whose samples all left too). */
  indicatorWindows(port: string): Promise<Array<{ kpi: string; window: TimeWindow }>>;
  /** Saves measure scores and port indices that changed; returns how many rows changed. */
  saveScores(scores: WindowScores[], computedAt: Date): Promise<number>;
  /** The version of the catalogue in force, read inside the transaction (after the port locks). */
  catalogueVersionInForce(): Promise<string | undefined>;
  /** Ports with any stored case. */
  portsWithCases(): Promise<string[]>;
}

export interface ScoringStore {
  transaction<T>(work: (unit: ScoringUnit) => Promise<T>): Promise<T>;
  /**
   * Runs `work` while no other process publishes from the outbox: reading pending rows,
   * publishing and removing them happen in order across every scorer, so an older value can never
   * land on a topic after a newer one.
   */
  exclusivelyPublishing<T>(work: () => Promise<T>): Promise<T>;
  /**
   * The oldest entries of the outbox holding `limit` messages or more (at least one entry, however
   * many it holds; fewer when no more are queued): the entries' ids, how many messages they held,
   * and the messages to send, once per key (the latest of its values in the page).
   */
  pendingOutbox(limit: number): Promise<OutboxPage>;
  /** Removes sent entries; an entry added after the page was read stays. */
  removeFromOutbox(ids: string[]): Promise<void>;
  /**
   * Reclaims the space of removed entries (VACUUM). A queue table turns over all its rows every
   * few seconds; without this, and with autovacuum off or behind, reading a page steps over every
   * entry ever removed.
   */
  compactOutbox(): Promise<void>;
}

/** A message as it is sent: its key and its JSON value. */
export interface OutboxMessage {
  key: string;
  value: string;
}

export interface OutboxPage {
  ids: string[];
  /** The messages the entries held, repeats of a key included. */
  messages: number;
  indicators: OutboxMessage[];
  scores: OutboxMessage[];
}

/** A window's key within one batch's maps (the start as epoch milliseconds: no date formatting). */
export function windowKey(window: WindowRef): string {
  return `${window.port}|${window.grain}|${window.windowStart.getTime()}`;
}

/** Advisory lock id of the outbox (port locks are 32-bit hashes; this is outside their range). */
const OUTBOX_LOCK = 7_743_000_001n.toString();

/** PostgreSQL's SQLSTATE of a duplicate key. */
const UNIQUE_VIOLATION = '23505';

/**
 * The most messages an outbox entry holds: a page, read until its entries hold `pageSize`
 * messages, then holds fewer than `pageSize + ENTRY_MESSAGES` however many one statement changed
 * (a catch-up after an outage, a bulk load).
 */
const ENTRY_MESSAGES = 1000;

/**
 * OUTBOX_TEXT: the messages one statement changed enter the outbox as one entry (one per
 * ENTRY_MESSAGES of them), a message a line: its key, a tab, then its JSON value, as it is sent.
 * No key holds a tab or a line break (ports, KPI ids, grains and window starts are validated),
 * and JSON escapes both. One row a statement instead of one a message, and the publisher sends
 * the values without building them again (docs/benchmarks.md).
 */
function outboxLine(key: string, message: IndicatorMessage | ScoreMessage): string {
  return `${key}\t${JSON.stringify(message)}`;
}

/**
 * EPOCH_MS: times in a JSON parameter go as epoch milliseconds, or as the window's RFC 3339 text
 * where the row carries it anyway, never as Date objects: JSON.stringify calls each Date's toJSON,
 * and the documents of windows, indicators and scores took 3.3 times as long to build with them
 * (docs/benchmarks.md). A millisecond count divided by 1000 comes back from to_timestamp to the
 * exact microsecond.
 */
function fromEpochMs(column: string): string {
  return `to_timestamp(${column} / 1000)`;
}

/** Stable lock id of a port for pg_advisory_xact_lock. */
function portLock(port: string): number {
  let hash = 0x7743;
  for (const char of port) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return hash;
}

export class PgScoringStore implements ScoringStore {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (unit: ScoringUnit) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(new PgScoringUnit(manager)));
  }

  async exclusivelyPublishing<T>(work: () => Promise<T>): Promise<T> {
    // A session lock on a connection of its own; the work's queries use the pool as usual.
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [OUTBOX_LOCK]);
      try {
        return await work();
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [OUTBOX_LOCK]).catch(() => undefined);
      }
    } finally {
      await runner.release();
    }
  }

  async pendingOutbox(limit: number): Promise<OutboxPage> {
    // Entries in order until they hold `limit` messages: the running count before each entry is
    // below the limit. The messages are sent as stored, one string per entry (OUTBOX_TEXT).
    const rows: Array<{ id: string; kind: 'indicator' | 'score'; messages: string }> = await this.dataSource.query(
      `SELECT id, kind, messages
         FROM (SELECT id, kind, messages, sum(count) OVER (ORDER BY id) - count AS before
                 FROM outbox ORDER BY id LIMIT $1) o
        WHERE before < $1
        ORDER BY id`,
      [limit],
    );
    const indicators = new Map<string, string>();
    const scores = new Map<string, string>();
    let messages = 0;
    for (const row of rows) {
      const byKey = row.kind === 'indicator' ? indicators : scores;
      for (const line of row.messages.split('\n')) {
        const tab = line.indexOf('\t');
        byKey.set(line.slice(0, tab), line.slice(tab + 1));
        messages += 1;
      }
    }
    const list = (byKey: Map<string, string>) => [...byKey].map(([key, value]) => ({ key, value }));
    return { ids: rows.map((row) => row.id), messages, indicators: list(indicators), scores: list(scores) };
  }

  async removeFromOutbox(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    // One plain list (ids have no commas), not an array the driver escapes element by element.
    await this.dataSource.query(`DELETE FROM outbox WHERE id = ANY(string_to_array($1, ',')::bigint[])`, [
      ids.join(','),
    ]);
  }

  async compactOutbox(): Promise<void> {
    // Outside a transaction (VACUUM cannot run in one); inserts and deletes go on meanwhile.
    // SKIP_LOCKED: when autovacuum (or anyone) is already vacuuming the table, this one is not
    // needed, and waiting for it would hold up publishing.
    await this.dataSource.query(`VACUUM (SKIP_LOCKED) outbox`);
  }
}

/** A window's columns, as the indicator and score tables store them. */
interface WindowRow {
  grain: Grain;
  window_start: Date;
  window_end: Date;
  window_start_text: string;
  window_end_text: string;
}

function toTimeWindow(row: WindowRow): TimeWindow {
  return {
    grain: row.grain,
    start: row.window_start,
    end: row.window_end,
    startText: row.window_start_text,
    endText: row.window_end_text,
  };
}

interface MilestoneRow {
  ord?: string;
  port: string;
  case_type: string;
  case_id: string;
  milestone: string;
  at: Date;
  attrs: Record<string, unknown>;
  event_key?: string;
}

/** The cases of the rows by port; each of the ports is there, one without rows with an empty list. */
function casesByPort(ports: string[], rows: MilestoneRow[]): Map<string, CaseRecord[]> {
  const byPort = new Map<string, MilestoneRow[]>(ports.map((port) => [port, []]));
  for (const row of rows) byPort.get(row.port)?.push(row);
  return new Map([...byPort].map(([port, list]) => [port, [...groupCases(list).values()]]));
}

function groupCases(rows: MilestoneRow[]): Map<string, CaseRecord> {
  const cases = new Map<string, CaseRecord & { milestones: Record<string, CaseRecord['milestones'][string]> }>();
  for (const row of rows) {
    const key = caseKey({ port: row.port, caseType: row.case_type, caseId: row.case_id });
    let record = cases.get(key);
    if (!record) {
      record = { caseId: row.case_id, milestones: {} };
      cases.set(key, record);
    }
    record.milestones[row.milestone] = {
      at: row.at,
      attrs: row.attrs,
      ...(row.event_key !== undefined ? { eventKey: row.event_key } : {}),
    };
  }
  return cases;
}

/** The items for which `test` holds, then the others, in one pass. */
function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const item of items) (test(item) ? yes : no).push(item);
  return [yes, no];
}

function groupByOrdinal<T extends { ord?: string }>(rows: T[], count: number): T[][] {
  const groups: T[][] = Array.from({ length: count }, () => []);
  for (const row of rows) groups[Number(row.ord) - 1]!.push(row);
  return groups;
}

class PgScoringUnit implements ScoringUnit {
  constructor(private readonly manager: EntityManager) {}

  async lockPorts(ports: string[]): Promise<void> {
    const ids = [...new Set(ports.map(portLock))].sort((a, b) => a - b);
    if (ids.length === 0) return;
    await this.manager.query(`SELECT pg_advisory_xact_lock(id) FROM unnest($1::int[]) AS id ORDER BY id`, [ids]);
  }

  async loadCases(refs: CaseRef[]): Promise<Map<string, CaseRecord>> {
    if (refs.length === 0) return new Map();
    // The keys as one JSON document: the driver would escape each element of three text arrays
    // and join the pieces (with the outbox ids, 3 % of what the scorer allocated: docs/benchmarks.md).
    const rows: MilestoneRow[] = await this.manager.query(
      `SELECT m.port, m.case_type, m.case_id, m.milestone, m.at, m.attrs, m.event_key
         FROM case_milestone m
         JOIN (SELECT DISTINCT * FROM json_to_recordset($1::json) AS x(port text, case_type text, case_id text))
              AS r(port, case_type, case_id)
           ON m.port = r.port AND m.case_type = r.case_type AND m.case_id = r.case_id`,
      [JSON.stringify(refs.map((r) => ({ port: r.port, case_type: r.caseType, case_id: r.caseId })))],
    );
    return groupCases(rows);
  }

  async upsertFacts(facts: CaseFact[], loaded: Map<string, CaseRecord>): Promise<void> {
    const rows = (list: CaseFact[]) =>
      JSON.stringify(
        list.map((f) => ({
          port: f.port,
          case_type: f.caseType,
          case_id: f.caseId,
          milestone: f.milestone,
          at: f.at.toISOString(),
          attrs: f.attrs,
          event_key: f.eventKey,
        })),
      );
    // Read as json, each fact's attributes then as jsonb on their own: read as jsonb, the whole
    // document cost PostgreSQL more to parse and split into rows (docs/benchmarks.md, "Facts read
    // as json").
    const insert = `INSERT INTO case_milestone AS c (port, case_type, case_id, milestone, at, attrs, event_key)
       SELECT port, case_type, case_id, milestone, at, attrs::jsonb, event_key
         FROM json_to_recordset($1::json)
              AS x(port text, case_type text, case_id text, milestone text, at timestamptz, attrs json, event_key text)`;
    const upsert = `${insert}
       ON CONFLICT (port, case_type, case_id, milestone) DO UPDATE
         SET at = excluded.at, attrs = excluded.attrs, event_key = excluded.event_key
         WHERE (excluded.at, excluded.event_key COLLATE "C") < (c.at, c.event_key COLLATE "C")`;
    const [fresh, known] = partition(facts, (f) => loaded.get(caseKey(f))?.milestones[f.milestone] === undefined);
    if (fresh.length > 0) await this.insertFresh(insert, upsert, rows(fresh));
    if (known.length > 0) await this.manager.query(upsert, [rows(known)]);
  }

  async loadCasesWhere(
    caseType: string,
    attr: string,
    valuesByPort: Map<string, string[]>,
  ): Promise<Map<string, CaseRecord[]>> {
    if (valuesByPort.size === 0) return new Map();
    // As (port, value) pairs: a value asked for at one port does not bring in another port's cases.
    const pairs = [...valuesByPort].flatMap(([port, values]) => values.map((value) => [port, value] as const));
    const rows: MilestoneRow[] = await this.manager.query(
      `SELECT port, case_type, case_id, milestone, at, attrs FROM case_milestone
        WHERE port = ANY($1::text[]) AND case_type = $3
          AND (port, attrs->>$4) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [pairs.map(([port]) => port), pairs.map(([, value]) => value), caseType, attr],
    );
    return casesByPort([...valuesByPort.keys()], rows);
  }

  async loadCasesOfPorts(ports: string[], caseType: string): Promise<Map<string, CaseRecord[]>> {
    if (ports.length === 0) return new Map();
    const rows: MilestoneRow[] = await this.manager.query(
      `SELECT port, case_type, case_id, milestone, at, attrs FROM case_milestone
        WHERE port = ANY($1::text[]) AND case_type = $2`,
      [ports, caseType],
    );
    return casesByPort(ports, rows);
  }

  async dependentCases(queries: DependentCasesQuery[]): Promise<CaseRecord[][]> {
    if (queries.length === 0) return [];
    const rows: MilestoneRow[] = await this.manager.query(
      `WITH hit AS (
         SELECT DISTINCT q.ord, c.port, c.case_type, c.case_id
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
                WITH ORDINALITY AS q(port, case_type, milestone, attr, value, from_at, ord)
           -- Lateral (see windowStats): each query an index range scan, whatever the statistics.
           CROSS JOIN LATERAL (
             SELECT c.port, c.case_type, c.case_id FROM case_milestone c
              WHERE c.port = q.port AND c.case_type = q.case_type AND c.milestone = q.milestone
                AND c.attrs->>q.attr = q.value AND c.at >= q.from_at) c
       )
       SELECT hit.ord, m.port, m.case_type, m.case_id, m.milestone, m.at, m.attrs
         FROM hit JOIN case_milestone m
           ON m.port = hit.port AND m.case_type = hit.case_type AND m.case_id = hit.case_id`,
      [
        queries.map((q) => q.port),
        queries.map((q) => q.caseType),
        queries.map((q) => q.completing),
        queries.map((q) => q.attr),
        queries.map((q) => q.value),
        queries.map((q) => q.from.toISOString()),
      ],
    );
    return groupByOrdinal(rows, queries.length).map((group) => [...groupCases(group).values()]);
  }

  async upsertSamples(samples: SampleRow[]): Promise<void> {
    if (samples.length === 0) return;
    // The key holds the time (one index serves both the key and the window scans), so a sample
    // whose case completed earlier than stored is removed from its old place first; an empty one
    // is removed from where it is.
    const removed = samples.flatMap((s) => [
      ...(s.movedFrom !== undefined ? [{ port: s.port, kpi: s.kpi, case_id: s.caseId, at: s.movedFrom }] : []),
      ...(s.empty && !s.fresh ? [{ port: s.port, kpi: s.kpi, case_id: s.caseId, at: s.at }] : []),
    ]);
    if (removed.length > 0) {
      await this.manager.query(
        `DELETE FROM kpi_sample k
          USING json_to_recordset($1::json) AS x(port text, kpi text, case_id text, at timestamptz)
          WHERE k.port = x.port AND k.kpi = x.kpi AND k.at = x.at AND k.case_id = x.case_id`,
        [JSON.stringify(removed)],
      );
    }
    const rows = (list: SampleRow[]) =>
      JSON.stringify(
        list.map((s) => ({
          port: s.port,
          kpi: s.kpi,
          case_id: s.caseId,
          at: s.at.toISOString(),
          value: s.value,
          den: s.den,
          num: s.num,
          den2: s.den2,
          num2: s.num2,
          grp: s.group,
        })),
      );
    const insert = `INSERT INTO kpi_sample AS k (port, kpi, case_id, at, value, den, num, den2, num2, grp)
       SELECT port, kpi, case_id, at, value, den, num, den2, num2, grp
         FROM json_to_recordset($1::json)
              AS x(port text, kpi text, case_id text, at timestamptz, value float8, den float8, num float8,
                   den2 float8, num2 float8, grp text)`;
    const upsert = `${insert}
       ON CONFLICT (port, kpi, at, case_id) DO UPDATE
         SET value = excluded.value, den = excluded.den, num = excluded.num, den2 = excluded.den2,
             num2 = excluded.num2, grp = excluded.grp
         WHERE (k.value, k.den, k.num, k.den2, k.num2, k.grp)
               IS DISTINCT FROM
               (excluded.value, excluded.den, excluded.num, excluded.den2, excluded.num2, excluded.grp)`;
    const [fresh, known] = partition(
      samples.filter((s) => !s.empty),
      (s) => s.fresh === true,
    );
    if (fresh.length > 0) await this.insertFresh(insert, upsert, rows(fresh));
    if (known.length > 0) await this.manager.query(upsert, [rows(known)]);
  }

  /**
   * Inserts rows the batch found new with a plain INSERT: without ON CONFLICT, PostgreSQL neither
   * probes the key first nor confirms a speculative insertion, about a fifth less of its time per
   * row (docs/benchmarks.md). Should one be stored after all (a writer that took no port lock), the
   * savepoint undoes the insert and the rows take the upsert instead.
   */
  private async insertFresh(insert: string, upsert: string, document: string): Promise<void> {
    await this.manager.query('SAVEPOINT fresh_rows');
    try {
      await this.manager.query(insert, [document]);
    } catch (error) {
      if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
      await this.manager.query('ROLLBACK TO SAVEPOINT fresh_rows');
      await this.manager.query(upsert, [document]);
    }
    await this.manager.query('RELEASE SAVEPOINT fresh_rows');
  }

  /**
   * Sums and counts: of days from their samples (and kept in kpi_day), then of weeks and months
   * from those days. Percentiles and distinct group counts, which sort, from the samples, only
   * for the windows whose KPI needs them.
   */
  async windowStats(queries: WindowStatsQuery[]): Promise<WindowStats[]> {
    const stats: WindowStats[] = queries.map(emptyWindowStats);
    if (queries.length === 0) return stats;
    // The windows as one JSON document (one parameter, no per-element array escaping in the driver),
    // their bounds as epoch milliseconds (see EPOCH_MS).
    const windows = (subset: number[]) => [
      JSON.stringify(
        subset.map((i) => ({
          port: queries[i]!.port,
          kpi: queries[i]!.kpi,
          start_ms: queries[i]!.start.getTime(),
          end_ms: queries[i]!.end.getTime(),
          i,
          fraction: queries[i]!.percentile ?? null,
        })),
      ),
    ];
    const unnested = `(SELECT port, kpi, ${fromEpochMs('start_ms')} AS start_at, ${fromEpochMs('end_ms')} AS end_at, i, fraction
                         FROM json_to_recordset($1::json)
                              AS x(port text, kpi text, start_ms float8, end_ms float8, i int, fraction float8)) w`;
    // Each window's rows come from a lateral subquery: an index range scan per window. As a join,
    // the planner guesses 100 windows, and once the tables have statistics (ANALYZE, autovacuum)
    // it prefers hashing the whole sample table to probing its index a hundred times — 12 ms
    // against 82 ms for 144 month windows over 1,300,000 samples (docs/benchmarks.md).
    const samplesOf = `kpi_sample s WHERE s.port = w.port AND s.kpi = w.kpi AND s.at >= w.start_at AND s.at < w.end_at`;
    type SumRow = { i: number; count: string; den: number; num: number; den2: number; num2: number; valued: string };
    const days = queries.flatMap((q, i) => (q.grain === 'day' ? [i] : []));
    const longer = queries.flatMap((q, i) => (q.grain !== 'day' ? [i] : []));
    const sums: SumRow[] = [];
    if (days.length > 0) {
      sums.push(
        ...((await this.manager.query(
          `WITH sums AS (
             SELECT w.i, w.port, w.kpi, w.start_at, a.*
               FROM ${unnested}
               CROSS JOIN LATERAL (
                 SELECT count(*) AS count, coalesce(sum(s.den), 0) AS den, coalesce(sum(s.num), 0) AS num,
                        coalesce(sum(s.den2), 0) AS den2, coalesce(sum(s.num2), 0) AS num2, count(s.value) AS valued
                   FROM ${samplesOf}) a
           ), kept AS (
             INSERT INTO kpi_day AS d (port, kpi, day_start, count, den, num, den2, num2, valued)
             SELECT port, kpi, start_at, count, den, num, den2, num2, valued FROM sums
             ON CONFLICT (port, kpi, day_start) DO UPDATE
               SET count = excluded.count, den = excluded.den, num = excluded.num, den2 = excluded.den2,
                   num2 = excluded.num2, valued = excluded.valued
               WHERE (d.count, d.den, d.num, d.den2, d.num2, d.valued)
                     IS DISTINCT FROM
                     (excluded.count, excluded.den, excluded.num, excluded.den2, excluded.num2, excluded.valued)
           )
           SELECT i, count, den, num, den2, num2, valued FROM sums`,
          windows(days),
        )) as SumRow[]),
      );
    }
    if (longer.length > 0) {
      // After the days above: a week or month adds up its days' sums.
      sums.push(
        ...((await this.manager.query(
          `SELECT w.i, a.*
             FROM ${unnested}
             CROSS JOIN LATERAL (
               SELECT coalesce(sum(d.count), 0) AS count, coalesce(sum(d.den), 0) AS den,
                      coalesce(sum(d.num), 0) AS num, coalesce(sum(d.den2), 0) AS den2,
                      coalesce(sum(d.num2), 0) AS num2, coalesce(sum(d.valued), 0) AS valued
                 FROM kpi_day d
                WHERE d.port = w.port AND d.kpi = w.kpi AND d.day_start >= w.start_at AND d.day_start < w.end_at) a`,
          windows(longer),
        )) as SumRow[]),
      );
    }
    for (const row of sums) {
      Object.assign(stats[row.i]!, {
        count: Number(row.count),
        den: row.den,
        num: row.num,
        den2: row.den2,
        num2: row.num2,
        valued: Number(row.valued),
      });
    }
    const withPercentile = queries.flatMap((q, i) => (q.percentile !== undefined ? [i] : []));
    if (withPercentile.length > 0) {
      const rows: Array<{ i: number; percentile: number | null }> = await this.manager.query(
        `SELECT w.i, a.percentile
           FROM ${unnested}
           CROSS JOIN LATERAL (
             SELECT percentile_cont(w.fraction) WITHIN GROUP (ORDER BY s.value) AS percentile
               FROM ${samplesOf} AND s.value IS NOT NULL) a`,
        windows(withPercentile),
      );
      for (const row of rows) stats[row.i]!.percentile = row.percentile;
    }
    const withGroups = queries.flatMap((q, i) => (q.groups ? [i] : []));
    if (withGroups.length > 0) {
      const rows: Array<{ i: number; groups: string; hit: string; missed: string }> = await this.manager.query(
        `SELECT w.i, a.*
           FROM ${unnested}
           CROSS JOIN LATERAL (
             SELECT count(DISTINCT s.grp) AS groups,
                    count(DISTINCT s.grp) FILTER (WHERE s.num > 0) AS hit,
                    count(DISTINCT s.grp) FILTER (WHERE s.num = 0) AS missed
               FROM ${samplesOf} AND s.grp IS NOT NULL) a`,
        windows(withGroups),
      );
      for (const row of rows) {
        Object.assign(stats[row.i]!, {
          groups: Number(row.groups),
          groupsHit: Number(row.hit),
          groupsMissed: Number(row.missed),
        });
      }
    }
    return stats;
  }

  async saveIndicators(indicators: Indicator[], computedAt: Date): Promise<IndicatorChange[]> {
    if (indicators.length === 0) return [];
    const rows: Array<{ port: string; kpi: string; grain: Grain; windowStart: string; inserted: boolean }> =
      await this.manager.query(
        `INSERT INTO indicator AS i (port, kpi, grain, window_start, window_end, window_start_text, window_end_text,
                                   measure, value, samples, target, attainment, scored, catalogue_version,
                                   computed_at)
       SELECT p.port, p.kpi, p.grain, p.window_start_text::timestamptz, p.window_end_text::timestamptz,
              p.window_start_text, p.window_end_text, p.measure, p.value, p.samples, p.target, p.attainment,
              p.scored, p.catalogue_version, $2::timestamptz
         FROM json_to_recordset($1::json)
              AS p(port text, kpi text, grain text, window_start_text text, window_end_text text, measure smallint,
                   value float8, samples int, target float8, attainment float8, scored bool, catalogue_version text)
       ON CONFLICT (port, kpi, grain, window_start) DO UPDATE
         SET value = excluded.value, samples = excluded.samples, target = excluded.target,
             attainment = excluded.attainment, scored = excluded.scored,
             catalogue_version = excluded.catalogue_version, computed_at = excluded.computed_at
         WHERE (i.value, i.samples, i.target, i.attainment, i.scored, i.catalogue_version)
               IS DISTINCT FROM
               (excluded.value, excluded.samples, excluded.target, excluded.attainment, excluded.scored,
                excluded.catalogue_version)
       -- xmax is 0 on a row this statement inserted, the updating transaction's id otherwise.
       RETURNING i.port, i.kpi, i.grain, i.window_start_text AS "windowStart", i.xmax = 0 AS inserted`,
        [
          JSON.stringify(
            indicators.map((x) => ({
              port: x.port,
              kpi: x.kpi,
              grain: x.grain,
              window_start_text: x.windowStartText,
              window_end_text: x.windowEndText,
              measure: x.measure,
              value: x.value,
              samples: x.samples,
              target: x.target,
              attainment: x.attainment,
              scored: x.scored,
              catalogue_version: x.catalogueVersion,
            })),
          ),
          computedAt.toISOString(),
        ],
      );
    const positions = new Map(
      indicators.map((x, index) => [indicatorKey({ ...x, windowStart: x.windowStartText }), index]),
    );
    // Each changed indicator's message enters the outbox in the same transaction.
    const changes: IndicatorChange[] = [];
    const lines: string[] = [];
    for (const row of rows) {
      const key = indicatorKey(row);
      const index = positions.get(key)!;
      changes.push({ index, inserted: row.inserted });
      lines.push(outboxLine(key, toIndicatorMessage(indicators[index]!, computedAt)));
    }
    await this.queue('indicator', lines);
    return changes;
  }

  async loadWindowKpis(windows: WindowRef[]): Promise<Map<string, Map<string, ScoredKpi>>> {
    const kpis = windows.map(() => new Map<string, ScoredKpi>());
    const result = new Map<string, Map<string, ScoredKpi>>(windows.map((w, i) => [windowKey(w), kpis[i]!]));
    if (windows.length === 0) return result;
    // Rows name their window by its place in the list: nothing to parse back or key again.
    const rows: Array<{
      w: number;
      kpi: string;
      value: number | null;
      samples: number;
      target: number;
      attainment: number | null;
      scored: boolean;
    }> = await this.manager.query(
      // Lateral, so each window is an index lookup however large the table's statistics say it is.
      `SELECT w.w, i.*
           FROM (SELECT w, port, grain, ${fromEpochMs('start_ms')} AS window_start
                   FROM json_to_recordset($1::json) AS x(w int, port text, grain text, start_ms float8)) w
           CROSS JOIN LATERAL (
             SELECT i.kpi, i.value, i.samples, i.target, i.attainment, i.scored FROM indicator i
              WHERE i.port = w.port AND i.grain = w.grain AND i.window_start = w.window_start) i`,
      [
        JSON.stringify(
          windows.map((w, i) => ({ w: i, port: w.port, grain: w.grain, start_ms: w.windowStart.getTime() })),
        ),
      ],
    );
    for (const row of rows) {
      kpis[row.w]!.set(row.kpi, {
        value: row.value,
        samples: row.samples,
        target: row.target,
        attainment: row.attainment,
        scored: row.scored,
      });
    }
    return result;
  }

  loadStatuses(ports: string[]): Promise<Map<string, MeasureStatus[]>> {
    return statusReports(this.manager, ports);
  }

  async scoredWindowsEndingAfter(port: string, at: Date): Promise<TimeWindow[]> {
    const rows: WindowRow[] = await this.manager.query(
      `SELECT grain, window_start, window_end, window_start_text, window_end_text
           FROM score WHERE port = $1 AND measure = 0 AND window_end > $2`,
      [port, at.toISOString()],
    );
    return rows.map(toTimeWindow);
  }

  async indicatorWindows(port: string): Promise<Array<{ kpi: string; window: TimeWindow }>> {
    const rows: Array<WindowRow & { kpi: string }> = await this.manager.query(
      `SELECT kpi, grain, window_start, window_end, window_start_text, window_end_text FROM indicator WHERE port = $1`,
      [port],
    );
    return rows.map((row) => ({ kpi: row.kpi, window: toTimeWindow(row) }));
  }

  async catalogueVersionInForce(): Promise<string | undefined> {
    const rows: Array<{ version: string }> = await this.manager.query(
      `SELECT version FROM catalogue_version ORDER BY activated_at DESC, version DESC LIMIT 1`,
    );
    return rows[0]?.version;
  }

  async portsWithCases(): Promise<string[]> {
    const rows: Array<{ port: string }> = await this.manager.query(
      `SELECT DISTINCT port FROM case_milestone ORDER BY port`,
    );
    return rows.map((row) => row.port);
  }

  async saveScores(scores: WindowScores[], computedAt: Date): Promise<number> {
    const rows = scores.flatMap((s) => [
      ...s.measures.map((m) => ({
        s,
        measure: m.measure,
        score: m.score,
        basis: m.basis,
        coverage: null as number | null,
      })),
      { s, measure: 0, score: s.index, basis: 'index', coverage: s.coverage as number | null },
    ]);
    if (rows.length === 0) return 0;
    const changed: Array<{ port: string; measure: number; grain: Grain; windowStart: string }> =
      await this.manager.query(
        `INSERT INTO score AS s (port, measure, grain, window_start, window_end, window_start_text, window_end_text,
                               score, basis, coverage, catalogue_version, computed_at)
       SELECT p.port, p.measure, p.grain, p.window_start_text::timestamptz, p.window_end_text::timestamptz,
              p.window_start_text, p.window_end_text, p.score, p.basis, p.coverage, p.catalogue_version,
              $2::timestamptz
         FROM json_to_recordset($1::json)
              AS p(port text, measure smallint, grain text, window_start_text text, window_end_text text,
                   score float8, basis text, coverage float8, catalogue_version text)
       ON CONFLICT (port, measure, grain, window_start) DO UPDATE
         SET score = excluded.score, basis = excluded.basis, coverage = excluded.coverage,
             catalogue_version = excluded.catalogue_version, computed_at = excluded.computed_at
         WHERE (s.score, s.basis, s.coverage, s.catalogue_version)
               IS DISTINCT FROM (excluded.score, excluded.basis, excluded.coverage, excluded.catalogue_version)
       RETURNING s.port, s.measure, s.grain, s.window_start_text AS "windowStart"`,
        [
          JSON.stringify(
            rows.map((r) => ({
              port: r.s.port,
              measure: r.measure,
              grain: r.s.grain,
              window_start_text: r.s.window.startText,
              window_end_text: r.s.window.endText,
              score: r.score,
              basis: r.basis,
              coverage: r.coverage,
              catalogue_version: r.s.catalogueVersion,
            })),
          ),
          computedAt.toISOString(),
        ],
      );
    // Each changed score's message enters the outbox in the same transaction.
    const rowKey = (port: string, measure: number, grain: Grain, windowStart: string) =>
      `${port}|${measure}|${grain}|${windowStart}`;
    const positions = new Map(
      rows.map((r, index) => [rowKey(r.s.port, r.measure, r.s.grain, r.s.window.startText), index]),
    );
    const at = computedAt.toISOString();
    await this.queue(
      'score',
      changed.map((c) => {
        const message = toScoreMessage(rows[positions.get(rowKey(c.port, c.measure, c.grain, c.windowStart))!]!, at);
        return outboxLine(scoreKey(message), message);
      }),
    );
    return changed.length;
  }

  /**
   * Queues the messages one statement changed (OUTBOX_TEXT): an entry per ENTRY_MESSAGES of them,
   * in order, in one statement; each text a parameter of its own (not an array, which the driver
   * would escape element by element).
   */
  private async queue(kind: 'indicator' | 'score', lines: string[]): Promise<void> {
    const rows: string[] = [];
    const parameters: unknown[] = [kind];
    for (let start = 0; start < lines.length; start += ENTRY_MESSAGES) {
      const entry = lines.slice(start, start + ENTRY_MESSAGES);
      parameters.push(entry.length, entry.join('\n'));
      rows.push(`($1, $${parameters.length - 1}::int, $${parameters.length})`);
    }
    if (rows.length === 0) return;
    await this.manager.query(`INSERT INTO outbox (kind, count, messages) VALUES ${rows.join(', ')}`, parameters);
  }
}

/** The message of a measure score (measure 1–29) or a port index (measure 0). */
function toScoreMessage(
  row: { s: WindowScores; measure: number; score: number | null; coverage: number | null },
  computedAt: string,
): ScoreMessage {
  return {
    kind: row.measure === 0 ? 'port' : 'measure',
    port: row.s.port,
    ...(row.measure === 0 ? { coverage: row.coverage! } : { measure: row.measure }),
    grain: row.s.grain,
    windowStart: row.s.window.startText,
    windowEnd: row.s.window.endText,
    score: row.score,
    catalogueVersion: row.s.catalogueVersion,
    computedAt,
  };
}
