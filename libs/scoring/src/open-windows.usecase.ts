import { type TimeWindow, windowsAt } from '@portscore/catalogue';
import type { PortRegistry } from '@portscore/contracts';
import { type ScoringStore, windowKey } from '@portscore/persistence';

import { type CatalogueSource, catalogueInForce, evaluateWindows } from './score-events.usecase';

export interface OpenWindowsResult {
  /** Windows scored in this round: under way, not scored by this use case before, at a port with status reports. */
  windowsOpened: number;
  /** Ports those windows belong to. */
  ports: number;
  /** Measure scores and port indices saved (and queued for publishing) because they changed. */
  scoresChanged: number;
}

/**
 * Scores the day, week and month windows under way at every port with status reports, so that
 * `sw.scores.v1` carries a window's status-based scores from its start (SPEC §4: a measure
 * with no scored KPI scores 100 × level/3 of its latest status report before the window's end)
 * and not only once an event of the window arrives. A window whose events already scored it
 * comes out unchanged and is neither saved nor published again; a later status report or event
 * scores it again the usual way. Each window is looked at once per process while it is under
 * way; a port without status reports is looked at again every round, as a report may arrive.
 * Windows that began and ended while no scorer ran are not scored here: the API scores them from
 * the status reports on request.
 */
export class OpenWindowsUseCase {
  /** Windows under way that this process has scored, by window key; ended ones are forgotten. */
  private readonly opened = new Set<string>();

  constructor(
    private readonly store: ScoringStore,
    private readonly catalogues: CatalogueSource,
    private readonly ports: PortRegistry,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async execute(): Promise<OpenWindowsResult> {
    const now = this.clock();
    const current = new Map<string, { port: string; window: TimeWindow }>();
    for (const { id: port, timeZone } of this.ports.ports) {
      for (const window of windowsAt(now, timeZone))
        current.set(windowKey({ port, grain: window.grain, windowStart: window.start }), { port, window });
    }
    for (const key of this.opened) if (!current.has(key)) this.opened.delete(key);
    const pending = [...current].filter(([key]) => !this.opened.has(key));
    if (pending.length === 0) return { windowsOpened: 0, ports: 0, scoresChanged: 0 };

    const { opened, scoresChanged } = await this.store.transaction(async (unit) => {
      const statuses = await unit.loadStatuses([...new Set(pending.map(([, { port }]) => port))]);
      const toScore = pending.filter(([, { port, window }]) =>
        (statuses.get(port) ?? []).some((status) => status.at < window.end),
      );
      if (toScore.length === 0) return { opened: [], scoresChanged: 0 };
      // The lock a batch of the port's events takes: scored after it, or it after this.
      await unit.lockPorts([...new Set(toScore.map(([, { port }]) => port))]);
      const catalogue = await catalogueInForce(unit, this.catalogues);
      const result = await evaluateWindows(
        unit,
        catalogue,
        [],
        toScore.map(([, entry]) => entry),
        now,
      );
      return { opened: toScore, scoresChanged: result.scoresChanged };
    });
    for (const [key] of opened) this.opened.add(key);
    return {
      windowsOpened: opened.length,
      ports: new Set(opened.map(([, { port }]) => port)).size,
      scoresChanged,
    };
  }
}
