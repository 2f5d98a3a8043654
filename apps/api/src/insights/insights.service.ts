import {
  type ChargeLine,
  effectiveCatalogue,
  type Grain,
  KPI_RULES,
  type KpiRule,
  lineFinding,
  type MeasureCatalogue,
  negativeDurationFinding,
  type TimeWindow,
  windowOf,
  windowOfLocalDate,
  windowStats,
} from '@portscore/catalogue';
import { CASE_TYPES } from '@portscore/catalogue';
import type { Port, PortRegistry } from '@portscore/contracts';
import type {
  DeadLetterRow,
  DrillDownCase,
  InsightsReader,
  RankingRow,
  SeriesPoint,
  StoredScore,
} from '@portscore/persistence';

import { ApiErrorCode, ApiException } from '../api.exception';
import { scoresFromStatuses } from '../status-scores';

const DAY = 86_400_000;
export const MAX_SERIES_POINTS = 400;
export const MAX_RANGE_DAYS = 92;

export interface FeeViolation {
  invoiceId: string;
  operatorId: string;
  chargedAt: string;
  line: number;
  code: string;
  quantity: number;
  amount: number;
  currency: string;
  finding: string;
  /** quantity × catalogue unit price, when the code is in the catalogue. */
  allowed: number | null;
  /** The catalogue's currency for the code, when listed (currencies are not compared: SPEC M23). */
  catalogueCurrency: string | null;
  source: string;
  eventId: string;
}

/** A case whose duration KPI found its end before its start: no sample, but a finding (SPEC §3). */
export interface DataQualityFinding {
  kind: 'negative_duration';
  caseType: string;
  caseId: string;
  /** The milestones of the span and when each was reported. */
  from: string;
  to: string;
  fromAt: string;
  toAt: string;
  hours: number;
  /** The KPIs that left the case out. */
  kpis: string[];
  /** The events (`source id`) behind the two milestones. */
  fromEvent: string | null;
  toEvent: string | null;
}

export interface RankedPort extends RankingRow {
  rank: number | null;
  nameEn: string;
  nameZh: string;
}

/** Queries for monitoring teams, over stored indicators, scores, cases and dead letters. */
export class InsightsService {
  constructor(
    private readonly reader: InsightsReader,
    private readonly catalogue: () => MeasureCatalogue,
    private readonly ports: PortRegistry,
  ) {}

  port(id: string): Port {
    const port = this.ports.get(id);
    if (!port) throw new ApiException(ApiErrorCode.UnknownPort, `port: ${id} is not a registered port`);
    return port;
  }

  private kpi(id: string) {
    if (!this.catalogue().hasKpi(id))
      throw new ApiException(
        ApiErrorCode.UnknownKpi,
        `kpi: ${id} is not a KPI of catalogue ${this.catalogue().version}`,
      );
    return this.catalogue().kpi(id);
  }

  async series(
    portId: string,
    kpiId: string,
    grain: Grain,
    from: Date,
    to: Date,
  ): Promise<{ port: string; kpi: string; grain: Grain; points: SeriesPoint[] }> {
    const port = this.port(portId);
    this.kpi(kpiId);
    if (to <= from) throw new ApiException(ApiErrorCode.InvalidQuery, 'to: must be after from');
    const days = { day: 1, week: 7, month: 31 }[grain];
    if ((to.getTime() - from.getTime()) / (days * DAY) > MAX_SERIES_POINTS) {
      throw new ApiException(
        ApiErrorCode.InvalidQuery,
        `from/to: at most ${MAX_SERIES_POINTS} ${grain} windows (${MAX_SERIES_POINTS * days} days); narrow the range`,
      );
    }
    // Dates are the port's local days: from its window holding `from` to (exclusive) local midnight of `to`.
    const start = windowOfLocalDate(localDate(from), port.timeZone, grain)!.start;
    const end = windowOfLocalDate(localDate(to), port.timeZone, 'day')!.start;
    const points = await this.reader.series(port.id, kpiId, grain, start, end, MAX_SERIES_POINTS + 1);
    if (points.length > MAX_SERIES_POINTS) {
      throw new ApiException(
        ApiErrorCode.InvalidQuery,
        `from/to: the range holds more than ${MAX_SERIES_POINTS} ${grain} windows; narrow it`,
      );
    }
    return { port: port.id, kpi: kpiId, grain, points };
  }

  /** Every port's measure scores and index for the window containing the date: the heat map. */
  async scoreMatrix(grain: Grain, date: string, readable: (port: string) => boolean) {
    const catalogue = this.catalogue();
    const windows = this.windowsOf(
      this.ports.ports.filter((port) => readable(port.id)),
      date,
      grain,
    );
    const rows = await this.reader.windowScores(
      grain,
      windows.map(({ port, window }) => ({ port: port.id, windowStart: window.start })),
    );
    const byPort = new Map<string, StoredScore[]>();
    for (const row of rows) byPort.set(row.port, [...(byPort.get(row.port) ?? []), row]);
    await this.scoreUnscored(catalogue, windows, byPort);
    const measures = catalogue.measures.length;
    return {
      grain,
      date,
      ports: windows.map(({ port, window }) => {
        const scores = new Map(byPort.get(port.id)!.map((row) => [row.measure, row]));
        return {
          port: port.id,
          windowStart: window.startText,
          windowEnd: window.endText,
          index: scores.get(0)?.score ?? null,
          coverage: scores.get(0)?.coverage ?? 0,
          measures: Array.from({ length: measures }, (_, i) => ({
            measure: i + 1,
            score: scores.get(i + 1)?.score ?? null,
            basis: scores.get(i + 1)?.basis ?? 'none',
          })),
        };
      }),
    };
  }

  /** Ports ranked by a measure score (or the port index) for the window containing the date. */
  async ranking(
    measure: number,
    grain: Grain,
    date: string,
  ): Promise<{ measure: number | 'index'; grain: Grain; date: string; ports: RankedPort[] }> {
    if (measure < 0 || measure > 29)
      throw new ApiException(ApiErrorCode.InvalidQuery, 'measure: must be 1–29, or absent for the port index');
    const windows = this.windowsOf(this.ports.ports, date, grain);
    const found = await this.reader.ranking(
      measure,
      grain,
      windows.map(({ port, window }) => ({ port: port.id, windowStart: window.start })),
    );
    const byPort = new Map<string, StoredScore[]>(
      found.map((row) => [row.port, [{ measure, score: row.score, basis: '', coverage: row.coverage }]]),
    );
    await this.scoreUnscored(this.catalogue(), windows, byPort);
    const rankedRows = windows.map(({ port, window }) => {
      const row = byPort.get(port.id)!.find((score) => score.measure === measure)!;
      return {
        port: port.id,
        nameEn: port.name,
        nameZh: port.nameZh,
        windowStart: window.startText,
        windowEnd: window.endText,
        score: row.score,
        coverage: measure === 0 ? row.coverage : null,
        rank: null as number | null,
      };
    });
    const ranked = rankedRows.sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || a.port.localeCompare(b.port));
    let rank = 0;
    let previous: number | null = null;
    ranked.forEach((row, index) => {
      if (row.score === null) return;
      if (row.score !== previous) rank = index + 1;
      row.rank = rank;
      previous = row.score;
    });
    return { measure: measure === 0 ? 'index' : measure, grain, date, ports: ranked };
  }

  /** Each port with its window of the grain containing the local date. */
  private windowsOf(ports: readonly Port[], date: string, grain: Grain): Array<{ port: Port; window: TimeWindow }> {
    return ports.map((port) => ({ port, window: windowOfLocalDate(date, port.timeZone, grain)! }));
  }

  /** Fills in, for the ports with nothing stored in their window, the scores of their status reports. */
  private async scoreUnscored(
    catalogue: MeasureCatalogue,
    windows: Array<{ port: Port; window: TimeWindow }>,
    byPort: Map<string, StoredScore[]>,
  ): Promise<void> {
    const unscored = windows.filter(({ port }) => !byPort.has(port.id));
    const statuses = await this.reader.statusReports(unscored.map(({ port }) => port.id));
    for (const { port, window } of unscored)
      byPort.set(port.id, scoresFromStatuses(catalogue, port.id, window, statuses.get(port.id)!));
  }

  /** The cases (and the events behind each milestone) that make up a KPI value. */
  async cases(
    portId: string,
    kpiId: string,
    grain: Grain,
    date: string,
    limit: number,
    offset: number,
  ): Promise<{
    port: string;
    kpi: string;
    windowStart: string;
    windowEnd: string;
    /** Cases completed in the window. */
    total: number;
    /** Of them, those that are samples of the KPI's value. */
    counted: number;
    cases: Array<DrillDownCase & { counted: boolean }>;
  }> {
    const port = this.port(portId);
    this.kpi(kpiId);
    const rule = KPI_RULES.find((r) => r.kpi === kpiId)!;
    const window = windowOfLocalDate(date, port.timeZone, grain)!;
    const [page, samples] = await Promise.all([
      this.reader.casesOfWindow(port.id, rule.caseType, rule.completing, window.start, window.end, limit, offset),
      this.reader.samplesOfWindow(port.id, kpiId, window.start, window.end),
    ]);
    // A case counts when its own sample would be a sample of the KPI's value: the rule decides
    // (a share's denominator, a percentile's duration, a distinct group, …).
    const counted = new Set(
      samples
        .filter(({ sample }) => rule.finish(windowStats([sample], rule.percentile)).samples > 0)
        .map(({ caseId }) => caseId),
    );
    return {
      port: port.id,
      kpi: kpiId,
      windowStart: window.startText,
      windowEnd: window.endText,
      total: page.total,
      counted: counted.size,
      cases: page.cases.map((found) => ({ ...found, counted: counted.has(found.caseId) })),
    };
  }

  /** Charge lines outside the operator's effective catalogue, or above it, in [from, to). */
  async feeViolations(portId: string, from: Date, to: Date): Promise<FeeViolation[]> {
    const port = this.port(portId);
    const { start, end } = localDays(port, from, to);
    const [charges, catalogues] = await Promise.all([
      this.reader.casesCompletedIn(port.id, CASE_TYPES.feeCharge, 'charged', start, end),
      this.reader.casesOfType(port.id, CASE_TYPES.feeCatalogue),
    ]);
    const violations: FeeViolation[] = [];
    for (const charge of charges) {
      const charged = charge.milestones.charged!;
      const operatorId = String(charged.attrs.operatorId);
      const catalogue = effectiveCatalogue(catalogues, operatorId, charged.at);
      ((charged.attrs.lines as ChargeLine[]) ?? []).forEach((line, index) => {
        const finding = lineFinding(line, catalogue);
        if (finding === 'compliant') return;
        const item = catalogue?.items.get(line.code);
        const space = charge.caseId.indexOf(' ');
        violations.push({
          invoiceId: String(charged.attrs.invoiceId),
          operatorId,
          chargedAt: charged.at.toISOString(),
          line: index + 1,
          code: line.code,
          quantity: line.quantity,
          amount: line.amount,
          currency: line.currency,
          finding,
          allowed: item ? Math.round(line.quantity * item.amount * 100) / 100 : null,
          catalogueCurrency: item?.currency ?? null,
          source: charge.caseId.slice(0, space),
          eventId: charge.caseId.slice(space + 1),
        });
      });
    }
    return violations.sort(
      (a, b) => a.chargedAt.localeCompare(b.chargedAt) || a.invoiceId.localeCompare(b.invoiceId) || a.line - b.line,
    );
  }

  /**
   * Data-quality findings of the cases completed in [from, to) (local days): each case whose
   * duration KPIs found a negative duration, once per span, with the KPIs that left it out.
   */
  async dataQuality(portId: string, from: Date, to: Date): Promise<DataQualityFinding[]> {
    const port = this.port(portId);
    const { start, end } = localDays(port, from, to);
    const byCompletion = new Map<string, KpiRule[]>();
    for (const rule of KPI_RULES) {
      if (!rule.span) continue;
      const key = `${rule.caseType}|${rule.completing}`;
      byCompletion.set(key, [...(byCompletion.get(key) ?? []), rule]);
    }
    const findings = new Map<string, DataQualityFinding>();
    for (const rules of byCompletion.values()) {
      const { caseType, completing } = rules[0]!;
      for (const record of await this.reader.casesCompletedIn(port.id, caseType, completing, start, end)) {
        for (const rule of rules) {
          const hours = negativeDurationFinding(rule, record);
          if (hours === null) continue;
          const { from: first, to: last } = rule.span!;
          const key = `${caseType}|${record.caseId}|${first}|${last}`;
          const known = findings.get(key);
          if (known) {
            known.kpis.push(rule.kpi);
            continue;
          }
          const begin = record.milestones[first]!;
          const finish = record.milestones[last]!;
          findings.set(key, {
            kind: 'negative_duration',
            caseType,
            caseId: record.caseId,
            from: first,
            to: last,
            fromAt: begin.at.toISOString(),
            toAt: finish.at.toISOString(),
            hours: Math.round(hours * 1000) / 1000,
            kpis: [rule.kpi],
            fromEvent: begin.eventKey ?? null,
            toEvent: finish.eventKey ?? null,
          });
        }
      }
    }
    return [...findings.values()].sort(
      (a, b) =>
        a.toAt.localeCompare(b.toAt) || a.caseType.localeCompare(b.caseType) || a.caseId.localeCompare(b.caseId),
    );
  }

  deadLetters(filter: { reason?: string; port?: string; before?: string; limit: number }): Promise<DeadLetterRow[]> {
    if (filter.before !== undefined && !/^\d{1,18}$/.test(filter.before))
      throw new ApiException(ApiErrorCode.InvalidQuery, 'before: must be a dead letter id');
    return this.reader.deadLetters(filter);
  }
}

/** The local days [from, to) of a port as instants; at most MAX_RANGE_DAYS of them. */
function localDays(port: Port, from: Date, to: Date): { start: Date; end: Date } {
  if (to <= from || to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY) {
    throw new ApiException(ApiErrorCode.InvalidQuery, `from/to: a range of 1 to ${MAX_RANGE_DAYS} days`);
  }
  return {
    start: windowOfLocalDate(localDate(from), port.timeZone, 'day')!.start,
    end: windowOfLocalDate(localDate(to), port.timeZone, 'day')!.start,
  };
}

/** The calendar date a query parameter named (parsed as UTC midnight), as YYYY-MM-DD. */
function localDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
