import { type MeasureCatalogue, type MeasureStatus, scoreWindow, type TimeWindow } from '@portscore/catalogue';
import type { StoredScore } from '@portscore/persistence';

/**
 * The scores of a window nothing is stored for (no event of the port fell in it): with no KPI,
 * each measure scores from its latest status report before the window's end (SPEC §4), as the
 * scorer would score the window; the port index (measure 0) and coverage follow from those.
 */
export function scoresFromStatuses(
  catalogue: MeasureCatalogue,
  port: string,
  window: TimeWindow,
  statuses: readonly MeasureStatus[],
): StoredScore[] {
  const scored = scoreWindow(catalogue, port, window, new Map(), statuses);
  return [
    { measure: 0, score: scored.index, basis: 'index', coverage: scored.coverage },
    ...scored.measures.map(({ measure, score, basis }) => ({ measure, score, basis, coverage: null })),
  ];
}
