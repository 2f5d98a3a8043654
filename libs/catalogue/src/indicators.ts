import { type KpiResult, scoreKpi, type ScoredKpi } from './attainment';
import type { MeasureCatalogue } from './catalogue';
import type { CaseRecord, KpiRule } from './kpi-rules';
import { type Grain, type TimeWindow, windowsAt } from './windows';

/** One KPI value of one port for one window: the unit published on `sw.indicators.v1`. */
export interface Indicator extends ScoredKpi {
  port: string;
  measure: number;
  kpi: string;
  grain: Grain;
  windowStart: Date;
  windowEnd: Date;
  windowStartText: string;
  windowEndText: string;
  catalogueVersion: string;
}

/** The JSON value published for an indicator (SPEC §5). */
export interface IndicatorMessage {
  port: string;
  measure: number;
  kpi: string;
  grain: Grain;
  windowStart: string;
  windowEnd: string;
  value: number | null;
  samples: number;
  target: number;
  attainment: number | null;
  scored: boolean;
  catalogueVersion: string;
  computedAt: string;
}

export function indicatorKey(indicator: Pick<IndicatorMessage, 'port' | 'kpi' | 'grain' | 'windowStart'>): string {
  return `${indicator.port}|${indicator.kpi}|${indicator.grain}|${indicator.windowStart}`;
}

export function toIndicatorMessage(indicator: Indicator, computedAt: Date): IndicatorMessage {
  return {
    port: indicator.port,
    measure: indicator.measure,
    kpi: indicator.kpi,
    grain: indicator.grain,
    windowStart: indicator.windowStartText,
    windowEnd: indicator.windowEndText,
    value: indicator.value,
    samples: indicator.samples,
    target: indicator.target,
    attainment: indicator.attainment,
    scored: indicator.scored,
    catalogueVersion: indicator.catalogueVersion,
    computedAt: computedAt.toISOString(),
  };
}

/** The indicator of a KPI for a port's window, from the rule's result. */
export function indicatorOf(
  catalogue: MeasureCatalogue,
  rule: KpiRule,
  port: string,
  window: TimeWindow,
  result: KpiResult,
): Indicator {
  const kpi = catalogue.kpi(rule.kpi);
  const scored = scoreKpi(kpi, result);
  return {
    value: scored.value,
    samples: scored.samples,
    target: scored.target,
    attainment: scored.attainment,
    scored: scored.scored,
    port,
    measure: kpi.measure,
    kpi: kpi.id,
    grain: window.grain,
    windowStart: window.start,
    windowEnd: window.end,
    windowStartText: window.startText,
    windowEndText: window.endText,
    catalogueVersion: catalogue.version,
  };
}

/**
 * Windows whose value may change when a case changes: those of its completing milestone before
 * and after the change (a milestone that moved earlier leaves one window for another).
 */
export function touchedWindows(
  rule: KpiRule,
  timeZone: string,
  before: CaseRecord | undefined,
  after: CaseRecord,
): readonly TimeWindow[] {
  const then = before?.milestones[rule.completing]?.at;
  const now = after.milestones[rule.completing]?.at;
  if (now === undefined) return then === undefined ? [] : windowsAt(then, timeZone);
  const current = windowsAt(now, timeZone);
  if (then === undefined) return current;
  const previous = windowsAt(then, timeZone);
  if (previous === current) return current;
  // The windows it left, then those it entered that it was not in already (both in GRAINS order).
  const touched = [...previous];
  current.forEach((window, grain) => {
    if (window.start.getTime() !== previous[grain]!.start.getTime()) touched.push(window);
  });
  return touched;
}

/** Same numbers, same indicator: used to publish only what changed. */
export function sameIndicatorValue(a: ScoredKpi, b: ScoredKpi): boolean {
  return (
    a.value === b.value &&
    a.samples === b.samples &&
    a.target === b.target &&
    a.attainment === b.attainment &&
    a.scored === b.scored
  );
}
