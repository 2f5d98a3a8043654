import { type TimeWindow, windowOf, windowsAt, windowsEndedBetween } from '@portscore/catalogue';
import type { PortRegistry } from '@portscore/contracts';
import { type ScoringStore, windowKey } from '@portscore/persistence';

import { type CatalogueSource, catalogueInForce, evaluateWindows, lookBackStart } from './score-events.usecase';

export interface OpenWindowsResult {
  /** Windows under way scored in this round: not scored by this use case before, at a port with status reports. */
  windowsOpened: number;
  /**
   * Windows that ended since this process last looked at their port (at first, within the
   * look-back) with no scores stored, scored in this round.
   */
  windowsCaughtUp: number;
  /** Ports those windows belong to. */
  ports: number;
  /** Measure scores and port indices saved (and queued for publishing) because they changed. */
  scoresChanged: number;
  /** Set when the round waited: how many events the scorers had still to read (see `maxBacklog`). */
  waitedForBacklog?: number;
}

export interface OpenWindowsOptions {
  /**
   * How many days back a port's ended windows without scores are scored when this process first
   * finds the port with status reports, and at most how far back after rounds that could not run
   * (`OPEN_WINDOWS_LOOKBACK_DAYS`); 0: none.
   */
  lookBackDays: number;
  /**
   * How many events the scorers may still have to read for a round to go ahead
   * (`OPEN_WINDOWS_MAX_BACKLOG`): while they are further behind, as after an outage, the windows'
   * own events are still to come, and a round would publish status-based scores that those
   * events replace soon after. Only with `backlog`.
   */
  maxBacklog: number;
  /** The events the scorers have still to read (the consumer group's lag); none: never waits. */
  backlog?: () => Promise<number>;
}

type Entry = [key: string, value: { port: string; window: TimeWindow }];

/** A port's window, under its window key. */
function entryOf(port: string, window: TimeWindow): Entry {
  return [windowKey({ port, grain: window.grain, windowStart: window.start }), { port, window }];
}

/**
 * Scores the day, week and month windows under way at every port with status reports, so that
 * `sw.scores.v1` carries a window's status-based scores from its start (SPEC §4: a measure
 * with no scored KPI scores 100 × level/3 of its latest status report before the window's end)
 * and not only once an event of the window arrives. A window whose events already scored it
 * comes out unchanged and is neither saved nor published again; a later status report or event
 * scores it again the usual way. Each window is looked at once per process while it is under
 * way; a port without status reports is looked at again every round, as a report may arrive.
 *
 * It also catches up: it scores a port's windows that ended since the round that last looked at
 * the port and have no scores stored — at first (start-up, or when the port's first report
 * arrives) those that ended within the look-back. Windows that began and ended while no scorer
 * ran, before the port's first report came in, or while rounds waited or failed would otherwise
 * have nothing stored or published (the API would still score them from the reports on request).
 * A window with scores is kept up to date by its events and by every later status report, so it
 * is left alone. Windows that ended before the look-back are left to the API.
 *
 * A round waits while the scorers are more than `maxBacklog` events behind, so that after an
 * outage it scores the windows once their events are in; the next round that goes ahead catches
 * up what ended meanwhile.
 *
 * One transaction a port, holding that port's lock only: a round never waits for one port's
 * lock while it holds another's, so it delays no batch of events by more than its own work on
 * one port.
 */
export class OpenWindowsUseCase {
  /** Windows under way that this process has scored, by window key; ended ones are forgotten. */
  private readonly opened = new Set<string>();
  /** Per port: until when (epoch ms) this process has looked at its ended windows. */
  private readonly coveredUntil = new Map<string, number>();
  private readonly options: OpenWindowsOptions;

  constructor(
    private readonly store: ScoringStore,
    private readonly catalogues: CatalogueSource,
    private readonly ports: PortRegistry,
    private readonly clock: () => Date = () => new Date(),
    options: Partial<OpenWindowsOptions> = {},
  ) {
    this.options = { lookBackDays: 7, maxBacklog: 10_000, ...options };
  }

  async execute(): Promise<OpenWindowsResult> {
    const now = this.clock();
    const pending = new Map<string, Entry[]>();
    const current = new Set<string>();
    for (const { id: port, timeZone } of this.ports.ports) {
      for (const window of windowsAt(now, timeZone)) {
        const entry = entryOf(port, window);
        const [key] = entry;
        current.add(key);
        if (this.opened.has(key)) continue;
        const list = pending.get(port) ?? [];
        list.push(entry);
        pending.set(port, list);
      }
    }
    for (const key of this.opened) if (!current.has(key)) this.opened.delete(key);
    // Where a port's ended windows are looked at from; none while the look-back is 0.
    const horizon = lookBackStart(now, this.options.lookBackDays);
    const endedFrom = (port: string) => Math.max(this.coveredUntil.get(port) ?? horizon, horizon);
    const catchingUp = (port: string, timeZone: string) =>
      this.options.lookBackDays > 0 && windowOf(new Date(endedFrom(port)), timeZone, 'day').end <= now;

    const result: OpenWindowsResult = { windowsOpened: 0, windowsCaughtUp: 0, ports: 0, scoresChanged: 0 };
    const candidates = this.ports.ports.filter(({ id, timeZone }) => pending.has(id) || catchingUp(id, timeZone));
    if (candidates.length === 0) return result;
    const statuses = await this.store.transaction((unit) => unit.loadStatuses(candidates.map(({ id }) => id)));
    const work = candidates.flatMap(({ id: port, timeZone }) => {
      const reports = statuses.get(port) ?? [];
      // No report yet: looked at again in the next round.
      if (reports.length === 0) return [];
      const reported = ([, { window }]: Entry) => reports.some((status) => status.at < window.end);
      const underWay = (pending.get(port) ?? []).filter(reported);
      const ended = catchingUp(port, timeZone)
        ? windowsEndedBetween(new Date(endedFrom(port)), now, timeZone)
            .map((window) => entryOf(port, window))
            .filter(reported)
        : [];
      return [{ port, underWay, ended }];
    });
    // The backlog is asked for only when there is something to score.
    if (work.some(({ underWay, ended }) => underWay.length + ended.length > 0) && this.options.backlog) {
      const behind = await this.options.backlog();
      if (behind > this.options.maxBacklog) return { ...result, waitedForBacklog: behind };
    }
    for (const { port, underWay, ended } of work) {
      const { caughtUp, scoresChanged } =
        underWay.length + ended.length > 0
          ? await this.scorePort(port, underWay, ended, now)
          : { caughtUp: 0, scoresChanged: 0 };
      for (const [key] of underWay) this.opened.add(key);
      this.coveredUntil.set(port, now.getTime());
      result.windowsOpened += underWay.length;
      result.windowsCaughtUp += caughtUp;
      result.scoresChanged += scoresChanged;
      if (underWay.length + caughtUp > 0) result.ports += 1;
    }
    return result;
  }

  /**
   * Scores a port's windows under way and those of its ended windows that have no scores stored,
   * in one transaction under the port's lock. Returns how many ended windows it scored.
   */
  private async scorePort(
    port: string,
    underWay: Entry[],
    ended: Entry[],
    now: Date,
  ): Promise<{ caughtUp: number; scoresChanged: number }> {
    return this.store.transaction(async (unit) => {
      // The lock a batch of the port's events takes: scored after it, or it after this.
      await unit.lockPorts([port]);
      let unscored: Entry[] = [];
      if (ended.length > 0) {
        // Read under the lock: a batch that scored one of these windows has committed by now.
        const earliestEnd = Math.min(...ended.map(([, { window }]) => window.end.getTime()));
        const stored = new Set(
          (await unit.scoredWindowsEndingAfter(port, new Date(earliestEnd - 1))).map((window) =>
            windowKey({ port, grain: window.grain, windowStart: window.start }),
          ),
        );
        unscored = ended.filter(([key]) => !stored.has(key));
      }
      const windows = [...underWay, ...unscored];
      if (windows.length === 0) return { caughtUp: 0, scoresChanged: 0 };
      const catalogue = await catalogueInForce(unit, this.catalogues);
      const { scoresChanged } = await evaluateWindows(
        unit,
        catalogue,
        [],
        windows.map(([, entry]) => entry),
        now,
      );
      return { caughtUp: unscored.length, scoresChanged };
    });
  }
}
