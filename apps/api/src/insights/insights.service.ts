import {
  type ChargeLine,
  effectiveCatalogue,
  type Grain,
  KPI_RULES,
  lineFinding,
  type MeasureCatalogue,
  windowOf,
  windowOfLocalDate,
} from '@portscore/catalogue';
import { CASE_TYPES } from '@portscore/catalogue';
import type { Port, PortRegistry } from '@portscore/contracts';
import type { DeadLetterRow, DrillDownCase, InsightsReader, RankingRow, SeriesPoint } from '@portscore/persistence';

import { ApiErrorCode, ApiException } from '../api.exception';

const DAY = 86_400_000;
export const MAX_SERIES_POINTS = 400;
export const MAX_FEE_RANGE_DAYS = 92;

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
    const start = windowOf(from, port.timeZone, grain).start;
    const points = await this.reader.series(port.id, kpiId, grain, start, to, MAX_SERIES_POINTS + 1);
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
    const ports = this.ports.ports.filter((port) => readable(port.id));
    const windows = ports.map((port) => ({ port, window: windowOfLocalDate(date, port.timeZone, grain)! }));
    const rows = await this.reader.windowScores(
      grain,
      windows.map(({ port, window }) => ({ port: port.id, windowStart: window.start })),
    );
    const byPort = new Map<string, typeof rows>();
    for (const row of rows) byPort.set(row.port, [...(byPort.get(row.port) ?? []), row]);
    const measures = this.catalogue().measures.length;
    return {
      grain,
      date,
      ports: windows.map(({ port, window }) => {
        const scores = new Map((byPort.get(port.id) ?? []).map((row) => [row.measure, row]));
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
    const windows = this.ports.ports.map((port) => ({
      port: port.id,
      windowStart: windowOfLocalDate(date, port.timeZone, grain)!.start,
    }));
    const rows = new Map((await this.reader.ranking(measure, grain, windows)).map((row) => [row.port, row]));
    const ranked = this.ports.ports
      .map((port) => {
        const window = windowOfLocalDate(date, port.timeZone, grain)!;
        const row = rows.get(port.id);
        return {
          port: port.id,
          nameEn: port.name,
          nameZh: port.nameZh,
          windowStart: window.startText,
          windowEnd: window.endText,
          score: row?.score ?? null,
          coverage: row?.coverage ?? null,
          rank: null as number | null,
        };
      })
      .sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || a.port.localeCompare(b.port));
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
    total: number;
    cases: DrillDownCase[];
  }> {
    const port = this.port(portId);
    this.kpi(kpiId);
    const rule = KPI_RULES.find((r) => r.kpi === kpiId)!;
    const window = windowOfLocalDate(date, port.timeZone, grain)!;
    const page = await this.reader.casesOfWindow(
      port.id,
      rule.caseType,
      rule.completing,
      window.start,
      window.end,
      limit,
      offset,
    );
    return { port: port.id, kpi: kpiId, windowStart: window.startText, windowEnd: window.endText, ...page };
  }

  /** Charge lines outside the operator's effective catalogue, or above it, in [from, to). */
  async feeViolations(portId: string, from: Date, to: Date): Promise<FeeViolation[]> {
    const port = this.port(portId);
    if (to <= from || to.getTime() - from.getTime() > MAX_FEE_RANGE_DAYS * DAY) {
      throw new ApiException(ApiErrorCode.InvalidQuery, `from/to: a range of 1 to ${MAX_FEE_RANGE_DAYS} days`);
    }
    const start = windowOfLocalDate(from.toISOString().slice(0, 10), port.timeZone, 'day')!.start;
    const end = windowOfLocalDate(to.toISOString().slice(0, 10), port.timeZone, 'day')!.start;
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

  deadLetters(filter: { reason?: string; port?: string; before?: string; limit: number }): Promise<DeadLetterRow[]> {
    if (filter.before !== undefined && !/^\d{1,18}$/.test(filter.before))
      throw new ApiException(ApiErrorCode.InvalidQuery, 'before: must be a dead letter id');
    return this.reader.deadLetters(filter);
  }
}
