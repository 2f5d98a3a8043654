import type { CatalogueKpi } from './catalogue';

export interface KpiResult {
  value: number | null;
  samples: number;
}

export interface ScoredKpi extends KpiResult {
  target: number;
  scored: boolean;
  /** In [0, 1]; null when the KPI is not scored. */
  attainment: number | null;
}

/** SPEC §4: ↑ a = min(1, value/target); ↓ a = 1 if value ≤ target else target/value. */
export function attainment(value: number, target: number, direction: 'up' | 'down'): number {
  if (direction === 'up') return Math.min(1, value / target);
  return value <= target ? 1 : target / value;
}

export function scoreKpi(kpi: CatalogueKpi, result: KpiResult): ScoredKpi {
  const scored = result.value !== null && result.samples >= kpi.minSamples;
  // Fields named one by one: spreading the result made this and indicatorOf about fifty times as
  // slow (docs/benchmarks.md).
  return {
    value: result.value,
    samples: result.samples,
    target: kpi.target,
    scored,
    attainment: scored ? attainment(result.value!, kpi.target, kpi.direction) : null,
  };
}

/** Measure score 0–100 from its scored KPIs; null when none is scored. */
export function measureScoreFromKpis(kpis: readonly ScoredKpi[]): number | null {
  const attained = kpis.filter((kpi) => kpi.scored).map((kpi) => kpi.attainment!);
  if (attained.length === 0) return null;
  return (100 * attained.reduce((sum, a) => sum + a, 0)) / attained.length;
}
