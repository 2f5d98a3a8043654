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

/** Measure score 0–100 from its scored KPIs (absent ones skipped); null when none is scored. */
export function measureScoreFromKpis(kpis: Iterable<ScoredKpi | undefined>): number | null {
  // A loop, not filter/map/reduce: this runs for all 29 measures of every window scored.
  let sum = 0;
  let attained = 0;
  for (const kpi of kpis) {
    if (!kpi?.scored) continue;
    sum += kpi.attainment!;
    attained += 1;
  }
  return attained === 0 ? null : (100 * sum) / attained;
}
