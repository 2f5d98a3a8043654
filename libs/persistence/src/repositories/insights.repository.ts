import type { CaseRecord, Grain, MeasureStatus, Sample } from '@portscore/catalogue';
import type { DataSource } from 'typeorm';

import type { DeadLetterRecord } from './dead-letters';
import { statusReports } from './status-reports';

export interface SeriesPoint {
  windowStart: string;
  windowEnd: string;
  value: number | null;
  samples: number;
  target: number;
  attainment: number | null;
  scored: boolean;
  catalogueVersion: string;
}

export interface RankingRow {
  port: string;
  windowStart: string;
  windowEnd: string;
  score: number | null;
  coverage: number | null;
}

export interface DrillDownCase {
  caseId: string;
  milestones: Record<string, { at: string; source: string; id: string; data: Record<string, unknown> }>;
}

/** A case's stored contribution to a KPI. */
export interface CaseSample {
  caseId: string;
  sample: Sample;
}

/** A listed dead letter, as the API shows it. */
export interface DeadLetterRow extends DeadLetterRecord {
  id: string;
  receivedAt: string;
}

/** Read models for the monitoring API: series, rankings, drill-down, fee charges, dead letters. */
export interface InsightsReader {
  series(port: string, kpi: string, grain: Grain, from: Date, to: Date, limit: number): Promise<SeriesPoint[]>;
  /** All measure scores (measure 0: port index) of the given window of each port. */
  windowScores(
    grain: Grain,
    windows: Array<{ port: string; windowStart: Date }>,
  ): Promise<Array<{ port: string; measure: number; score: number | null; basis: string; coverage: number | null }>>;
  /** Every status report of each port. */
  statusReports(ports: string[]): Promise<Map<string, MeasureStatus[]>>;
  /** Scores of measure (0: port index) for the given window of each port. */
  ranking(measure: number, grain: Grain, windows: Array<{ port: string; windowStart: Date }>): Promise<RankingRow[]>;
  casesOfWindow(
    port: string,
    caseType: string,
    completing: string,
    start: Date,
    end: Date,
    limit: number,
    offset: number,
  ): Promise<{ total: number; cases: DrillDownCase[] }>;
  /** The stored samples of a KPI whose case completed in [start, end). */
  samplesOfWindow(port: string, kpi: string, start: Date, end: Date): Promise<CaseSample[]>;
  /** Cases of a type completed in [start, end), as the scoring rules see them. */
  casesCompletedIn(port: string, caseType: string, completing: string, start: Date, end: Date): Promise<CaseRecord[]>;
  casesOfType(port: string, caseType: string): Promise<CaseRecord[]>;
  deadLetters(filter: { reason?: string; port?: string; before?: string; limit: number }): Promise<DeadLetterRow[]>;
}

interface MilestoneRow {
  case_id: string;
  milestone: string;
  at: Date;
  attrs: Record<string, unknown>;
  event_key: string;
}

function records(rows: MilestoneRow[]): CaseRecord[] {
  const cases = new Map<
    string,
    { caseId: string; milestones: Record<string, { at: Date; attrs: Record<string, unknown>; eventKey?: string }> }
  >();
  for (const row of rows) {
    const record = cases.get(row.case_id) ?? { caseId: row.case_id, milestones: {} };
    record.milestones[row.milestone] = {
      at: row.at,
      attrs: row.attrs,
      ...(row.event_key !== undefined ? { eventKey: row.event_key } : {}),
    };
    cases.set(row.case_id, record);
  }
  return [...cases.values()];
}

export class PgInsightsReader implements InsightsReader {
  constructor(private readonly dataSource: DataSource) {}

  async series(port: string, kpi: string, grain: Grain, from: Date, to: Date, limit: number): Promise<SeriesPoint[]> {
    const rows: Array<{
      window_start_text: string;
      window_end_text: string;
      value: number | null;
      samples: number;
      target: number;
      attainment: number | null;
      scored: boolean;
      catalogue_version: string;
    }> = await this.dataSource.query(
      `SELECT window_start_text, window_end_text, value, samples, target, attainment, scored, catalogue_version
           FROM indicator WHERE port = $1 AND kpi = $2 AND grain = $3 AND window_start >= $4 AND window_start < $5
          ORDER BY window_start LIMIT $6`,
      [port, kpi, grain, from.toISOString(), to.toISOString(), limit],
    );
    return rows.map((r) => ({
      windowStart: r.window_start_text,
      windowEnd: r.window_end_text,
      value: r.value,
      samples: r.samples,
      target: r.target,
      attainment: r.attainment,
      scored: r.scored,
      catalogueVersion: r.catalogue_version,
    }));
  }

  async windowScores(
    grain: Grain,
    windows: Array<{ port: string; windowStart: Date }>,
  ): Promise<Array<{ port: string; measure: number; score: number | null; basis: string; coverage: number | null }>> {
    if (windows.length === 0) return [];
    const rows: Array<{ port: string; measure: number; score: number | null; basis: string; coverage: number | null }> =
      await this.dataSource.query(
        // The window starts again as a filter, so the rows are read through the (grain, window
        // start) index; with table statistics the plain join hashed the whole score table
        // instead (35 ms against 0.4 ms for 50 ports over 312,000 scores).
        `SELECT s.port, s.measure, s.score, s.basis, s.coverage
           FROM score s JOIN unnest($1::text[], $2::timestamptz[]) AS w(port, window_start)
             ON s.port = w.port AND s.window_start = w.window_start
          WHERE s.grain = $3 AND s.window_start = ANY($2::timestamptz[])`,
        [windows.map((w) => w.port), windows.map((w) => w.windowStart.toISOString()), grain],
      );
    return rows.map((r) => ({ ...r, measure: Number(r.measure) }));
  }

  async ranking(
    measure: number,
    grain: Grain,
    windows: Array<{ port: string; windowStart: Date }>,
  ): Promise<RankingRow[]> {
    if (windows.length === 0) return [];
    const rows: Array<{
      port: string;
      window_start_text: string;
      window_end_text: string;
      score: number | null;
      coverage: number | null;
    }> = await this.dataSource.query(
      `SELECT s.port, s.window_start_text, s.window_end_text, s.score, s.coverage
           FROM score s JOIN unnest($1::text[], $2::timestamptz[]) AS w(port, window_start)
             ON s.port = w.port AND s.window_start = w.window_start
          WHERE s.measure = $3 AND s.grain = $4`,
      [windows.map((w) => w.port), windows.map((w) => w.windowStart.toISOString()), measure, grain],
    );
    return rows.map((r) => ({
      port: r.port,
      windowStart: r.window_start_text,
      windowEnd: r.window_end_text,
      score: r.score,
      coverage: r.coverage,
    }));
  }

  async casesOfWindow(
    port: string,
    caseType: string,
    completing: string,
    start: Date,
    end: Date,
    limit: number,
    offset: number,
  ): Promise<{ total: number; cases: DrillDownCase[] }> {
    const params = [port, caseType, completing, start.toISOString(), end.toISOString()];
    const [{ n }] = (await this.dataSource.query(
      `SELECT count(*) AS n FROM case_milestone WHERE port = $1 AND case_type = $2 AND milestone = $3 AND at >= $4 AND at < $5`,
      params,
    )) as Array<{ n: string }>;
    const rows: MilestoneRow[] = await this.dataSource.query(
      `WITH page AS (
         SELECT case_id, at FROM case_milestone
          WHERE port = $1 AND case_type = $2 AND milestone = $3 AND at >= $4 AND at < $5
          ORDER BY at, case_id LIMIT $6 OFFSET $7
       )
       SELECT m.case_id, m.milestone, m.at, m.attrs, m.event_key
         FROM page JOIN case_milestone m ON m.port = $1 AND m.case_type = $2 AND m.case_id = page.case_id
        ORDER BY page.at, page.case_id, m.at`,
      [...params, limit, offset],
    );
    const cases = new Map<string, DrillDownCase>();
    for (const row of rows) {
      const entry = cases.get(row.case_id) ?? { caseId: row.case_id, milestones: {} };
      const space = row.event_key.indexOf(' ');
      entry.milestones[row.milestone] = {
        at: row.at.toISOString(),
        source: row.event_key.slice(0, space),
        id: row.event_key.slice(space + 1),
        data: row.attrs,
      };
      cases.set(row.case_id, entry);
    }
    return { total: Number(n), cases: [...cases.values()] };
  }

  statusReports(ports: string[]): Promise<Map<string, MeasureStatus[]>> {
    return statusReports(this.dataSource, ports);
  }

  async samplesOfWindow(port: string, kpi: string, start: Date, end: Date): Promise<CaseSample[]> {
    const rows: Array<{
      case_id: string;
      value: number | null;
      den: number;
      num: number;
      den2: number;
      num2: number;
      grp: string | null;
    }> = await this.dataSource.query(
      `SELECT case_id, value, den, num, den2, num2, grp FROM kpi_sample
        WHERE port = $1 AND kpi = $2 AND at >= $3 AND at < $4`,
      [port, kpi, start.toISOString(), end.toISOString()],
    );
    return rows.map(({ case_id, grp, ...sums }) => ({ caseId: case_id, sample: { ...sums, group: grp } }));
  }

  async casesCompletedIn(
    port: string,
    caseType: string,
    completing: string,
    start: Date,
    end: Date,
  ): Promise<CaseRecord[]> {
    const rows: MilestoneRow[] = await this.dataSource.query(
      `SELECT m.case_id, m.milestone, m.at, m.attrs, m.event_key FROM case_milestone m
        WHERE m.port = $1 AND m.case_type = $2 AND m.case_id IN (
          SELECT case_id FROM case_milestone WHERE port = $1 AND case_type = $2 AND milestone = $3 AND at >= $4 AND at < $5)`,
      [port, caseType, completing, start.toISOString(), end.toISOString()],
    );
    return records(rows);
  }

  async casesOfType(port: string, caseType: string): Promise<CaseRecord[]> {
    const rows: MilestoneRow[] = await this.dataSource.query(
      `SELECT case_id, milestone, at, attrs, event_key FROM case_milestone WHERE port = $1 AND case_type = $2`,
      [port, caseType],
    );
    return records(rows);
  }

  async deadLetters(filter: {
    reason?: string;
    port?: string;
    before?: string;
    limit: number;
  }): Promise<DeadLetterRow[]> {
    const rows: Array<{
      id: string;
      reason: string;
      detail: string;
      origin: string;
      port: string | null;
      source: string | null;
      event_id: string | null;
      content_type: string | null;
      size: number;
      preview: string;
      received_at: Date;
    }> = await this.dataSource.query(
      `SELECT * FROM dead_letter
          WHERE ($1::text IS NULL OR reason = $1) AND ($2::text IS NULL OR port = $2) AND ($3::bigint IS NULL OR id < $3)
          ORDER BY id DESC LIMIT $4`,
      [filter.reason ?? null, filter.port ?? null, filter.before ?? null, filter.limit],
    );
    return rows.map((r) => ({
      id: String(r.id),
      reason: r.reason,
      detail: r.detail,
      origin: r.origin,
      port: r.port,
      source: r.source,
      eventId: r.event_id,
      contentType: r.content_type,
      size: r.size,
      preview: r.preview,
      receivedAt: r.received_at.toISOString(),
    }));
  }
}
