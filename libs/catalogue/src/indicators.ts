import { type KpiResult, scoreKpi, type ScoredKpi } from './attainment';
import type { MeasureCatalogue } from './catalogue';
import type { CaseRecord, KpiRule } from './kpi-rules';
import { GRAINS, type Grain, type TimeWindow, windowOf } from './windows';

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
  return {
    ...scoreKpi(kpi, result),
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
): TimeWindow[] {
  const instants = [before?.milestones[rule.completing]?.at, after.milestones[rule.completing]?.at].filter(
    (at): at is Date => at !== undefined,
  );
  const unique = new Map<string, TimeWindow>();
  for (const at of instants) {
    for (const grain of GRAINS) {
      const window = windowOf(at, timeZone, grain);
      unique.set(`${grain}|${window.start.getTime()}`, window);
    }
  }
  return [...unique.values()];
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
