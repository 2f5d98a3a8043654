import type { ScoredKpi } from './attainment';
import { measureScoreFromKpis } from './attainment';
import type { MeasureCatalogue, StatusLevel } from './catalogue';
import { reportedBefore } from './facts';
import type { Grain, TimeWindow } from './windows';

/** The latest status report of a measure before a window's end. */
export interface MeasureStatus {
  measure: number;
  level: StatusLevel;
  at: Date;
  /** The event that reported it: of reports with the same time, the larger key is the latest (`reportedBefore`). */
  eventKey: string;
}

export interface MeasureScore {
  measure: number;
  /** 0–100; null: no scored KPI and no status report. */
  score: number | null;
  basis: 'kpis' | 'status' | 'none';
}

export interface WindowScores {
  port: string;
  grain: Grain;
  window: TimeWindow;
  measures: MeasureScore[];
  /** Mean of the non-null measure scores; null when there is none. */
  index: number | null;
  /** Measures with a score / all measures. */
  coverage: number;
  catalogueVersion: string;
}

/**
 * SPEC §4: a measure scores 100 × mean attainment of its scored KPIs; with none, 100 × level/3 of
 * its latest status report before the window's end; with neither, null (no data, never 0). The
 * port index is the mean of the non-null measure scores; coverage is their share of all measures.
 */
export function scoreWindow(
  catalogue: MeasureCatalogue,
  port: string,
  window: TimeWindow,
  kpis: ReadonlyMap<string, ScoredKpi>,
  statuses: readonly MeasureStatus[],
): WindowScores {
  const latest = new Map<number, MeasureStatus>();
  for (const status of statuses) {
    const known = latest.get(status.measure);
    if (status.at < window.end && (!known || reportedBefore(known, status))) latest.set(status.measure, status);
  }
  const scale = catalogue.data.statusScale;
  const maxLevel = Math.max(...Object.values(scale));
  const measures = catalogue.measures.map((measure): MeasureScore => {
    const fromKpis = measureScoreFromKpis(measure.kpis.map((kpi) => kpis.get(kpi.id)));
    if (fromKpis !== null) return { measure: measure.number, score: fromKpis, basis: 'kpis' };
    const status = latest.get(measure.number);
    if (status) return { measure: measure.number, score: (100 * scale[status.level]) / maxLevel, basis: 'status' };
    return { measure: measure.number, score: null, basis: 'none' };
  });
  const scored = measures.map((m) => m.score).filter((s): s is number => s !== null);
  return {
    port,
    grain: window.grain,
    window,
    measures,
    index: scored.length === 0 ? null : scored.reduce((sum, s) => sum + s, 0) / scored.length,
    coverage: scored.length / catalogue.measures.length,
    catalogueVersion: catalogue.version,
  };
}

/** The JSON value published on sw.scores.v1 (SPEC §5). */
export interface ScoreMessage {
  kind: 'measure' | 'port';
  port: string;
  measure?: number;
  grain: Grain;
  windowStart: string;
  windowEnd: string;
  score: number | null;
  coverage?: number;
  catalogueVersion: string;
  computedAt: string;
}

export function scoreKey(message: Pick<ScoreMessage, 'kind' | 'port' | 'measure' | 'grain' | 'windowStart'>): string {
  return `${message.port}|${message.kind === 'port' ? 'index' : `m${message.measure}`}|${message.grain}|${message.windowStart}`;
}
