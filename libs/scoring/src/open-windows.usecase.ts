import { type TimeWindow, windowOf, windowsAt } from '@portscore/catalogue';
import type { PortRegistry } from '@portscore/contracts';
import { type ScoringStore, windowKey } from '@portscore/persistence';

import { type CatalogueSource, catalogueInForce, evaluateWindows } from './score-events.usecase';

export interface OpenWindowsResult {
  /** Windows under way scored in this round: not scored by this use case before, at a port with status reports. */
  windowsOpened: number;
  /**
   * Windows that ended within the look-back with nothing stored, scored in this round at ports
   * this process had not caught up.
   */
  windowsCaughtUp: number;
  /** Ports those windows belong to. */
  ports: number;
  /** Measure scores and port indices saved (and queued for publishing) because they changed. */
  scoresChanged: number;
}

export interface OpenWindowsOptions {
  /**
   * How many days back a port's ended windows are scored, once per process, when it is first
   * found with status reports (`OPEN_WINDOWS_LOOKBACK_DAYS`); 0: none.
   */
  lookBackDays: number;
  /** Ports caught up per transaction, so that no transaction holds the locks of every port. */
  portsPerTransaction: number;
}

const DAY_MS = 86_400_000;

type Entry = [key: string, value: { port: string; window: TimeWindow }];

/**
 * Scores the day, week and month windows under way at every port with status reports, so that
 * `sw.scores.v1` carries a window's status-based scores from its start (SPEC §4: a measure
 * with no scored KPI scores 100 × level/3 of its latest status report before the window's end)
 * and not only once an event of the window arrives. A window whose events already scored it
 * comes out unchanged and is neither saved nor published again; a later status report or event
 * scores it again the usual way. Each window is looked at once per process while it is under
 * way; a port without status reports is looked at again every round, as a report may arrive.
 *
 * It also catches up: the first time a process finds a port with status reports (at start-up,
 * or when the port's first report arrives), it scores the port's windows that ended within the
 * look-back and have no scores stored — those that began and ended while no scorer ran, or
 * before the port's first report came in, would otherwise have nothing stored or published (the
 * API would still score them from the reports on request). A window with scores is kept up to
 * date by its events and by every later status report, so it is left alone. Windows that ended
 * before the look-back are left to the API.
 */
export class OpenWindowsUseCase {
  /** Windows under way that this process has scored, by window key; ended ones are forgotten. */
  private readonly opened = new Set<string>();
  /** Ports whose ended windows within the look-back this process has scored. */
  private readonly caughtUp = new Set<string>();
  private readonly options: OpenWindowsOptions;

  constructor(
    private readonly store: ScoringStore,
    private readonly catalogues: CatalogueSource,
    private readonly ports: PortRegistry,
    private readonly clock: () => Date = () => new Date(),
    options: Partial<OpenWindowsOptions> = {},
  ) {
    this.options = { lookBackDays: 7, portsPerTransaction: 10, ...options };
  }

  async execute(): Promise<OpenWindowsResult> {
    const now = this.clock();
    const current = new Map<string, { port: string; window: TimeWindow }>();
    for (const { id: port, timeZone } of this.ports.ports) {
      for (const window of windowsAt(now, timeZone))
        current.set(windowKey({ port, grain: window.grain, windowStart: window.start }), { port, window });
    }
    for (const key of this.opened) if (!current.has(key)) this.opened.delete(key);
    const pending = [...current].filter(([key]) => !this.opened.has(key));

    const underWay = pending.length > 0 ? await this.score(pending, now) : { scored: [], scoresChanged: 0 };
    for (const [key] of underWay.scored) this.opened.add(key);
    const caughtUp = await this.catchUp(now);

    const scored = [...underWay.scored, ...caughtUp.scored];
    return {
      windowsOpened: underWay.scored.length,
      windowsCaughtUp: caughtUp.scored.length,
      ports: new Set(scored.map(([, { port }]) => port)).size,
      scoresChanged: underWay.scoresChanged + caughtUp.scoresChanged,
    };
  }

  /**
   * Scores the ended windows within the look-back at the ports with status reports that this
   * process has not caught up yet, a few ports per transaction.
   */
  private async catchUp(now: Date): Promise<{ scored: Entry[]; scoresChanged: number }> {
    const result = { scored: [] as Entry[], scoresChanged: 0 };
    if (this.options.lookBackDays <= 0) return result;
    const waiting = this.ports.ports.filter(({ id }) => !this.caughtUp.has(id));
    if (waiting.length === 0) return result;
    const statuses = await this.store.transaction((unit) => unit.loadStatuses(waiting.map(({ id }) => id)));
    const reporting = waiting.filter(({ id }) => (statuses.get(id) ?? []).length > 0);
    for (let start = 0; start < reporting.length; start += this.options.portsPerTransaction) {
      const chunk = reporting.slice(start, start + this.options.portsPerTransaction);
      const entries = chunk.flatMap(({ id, timeZone }) => endedWindows(id, timeZone, now, this.options.lookBackDays));
      const { scored, scoresChanged } = await this.score(entries, now, { unscoredOnly: true });
      result.scored.push(...scored);
      result.scoresChanged += scoresChanged;
      for (const { id } of chunk) this.caughtUp.add(id);
    }
    return result;
  }

  /**
   * Scores the windows that have a status report before their end (with `unscoredOnly`, those of
   * them without stored scores), in one transaction.
   */
  private async score(
    entries: Entry[],
    now: Date,
    { unscoredOnly = false } = {},
  ): Promise<{ scored: Entry[]; scoresChanged: number }> {
    return this.store.transaction(async (unit) => {
      const statuses = await unit.loadStatuses([...new Set(entries.map(([, { port }]) => port))]);
      let toScore = entries.filter(([, { port, window }]) =>
        (statuses.get(port) ?? []).some((status) => status.at < window.end),
      );
      if (toScore.length === 0) return { scored: [], scoresChanged: 0 };
      const ports = [...new Set(toScore.map(([, { port }]) => port))];
      // The lock a batch of the port's events takes: scored after it, or it after this.
      await unit.lockPorts(ports);
      if (unscoredOnly) {
        // Read under the lock: a batch that scored one of these windows has committed by now.
        const earliestEnd = new Date(Math.min(...toScore.map(([, { window }]) => window.end.getTime())));
        const stored = new Set<string>();
        for (const port of ports)
          for (const window of await unit.scoredWindowsEndingAfter(port, new Date(earliestEnd.getTime() - 1)))
            stored.add(windowKey({ port, grain: window.grain, windowStart: window.start }));
        toScore = toScore.filter(([key]) => !stored.has(key));
        if (toScore.length === 0) return { scored: [], scoresChanged: 0 };
      }
      const catalogue = await catalogueInForce(unit, this.catalogues);
      const result = await evaluateWindows(
        unit,
        catalogue,
        [],
        toScore.map(([, entry]) => entry),
        now,
      );
      return { scored: toScore, scoresChanged: result.scoresChanged };
    });
  }
}

/**
 * The port's day, week and month windows that ended by `now` and after `now` less the look-back:
 * every day window from the one holding that instant to the one before today, and the weeks and
 * months holding those days that have ended.
 */
function endedWindows(port: string, timeZone: string, now: Date, lookBackDays: number): Entry[] {
  const windows = new Map<string, { port: string; window: TimeWindow }>();
  const today = windowOf(now, timeZone, 'day');
  let day = windowOf(new Date(now.getTime() - lookBackDays * DAY_MS), timeZone, 'day');
  while (day.start < today.start) {
    for (const window of windowsAt(day.start, timeZone)) {
      if (window.end > now) continue;
      windows.set(windowKey({ port, grain: window.grain, windowStart: window.start }), { port, window });
    }
    day = windowOf(day.end, timeZone, 'day');
  }
  return [...windows];
}
