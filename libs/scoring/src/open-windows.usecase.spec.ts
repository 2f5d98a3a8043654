import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type Catalogue, MeasureCatalogue } from '@portscore/catalogue';
import { type CanonicalEvent, type Port, PortRegistry } from '@portscore/contracts';
import type { ScoringUnit } from '@portscore/persistence';

import { InMemoryScoringStore } from './in-memory-scoring.store';
import { OpenWindowsUseCase } from './open-windows.usecase';
import { fixedCatalogue, ScoreEventsUseCase } from './score-events.usecase';

const seeds = join(__dirname, '..', '..', '..', 'seeds');
const catalogue = new MeasureCatalogue(JSON.parse(readFileSync(join(seeds, 'catalogue.json'), 'utf8')) as Catalogue);
const ports = new PortRegistry(
  (JSON.parse(readFileSync(join(seeds, 'ports.json'), 'utf8')) as { ports: Port[] }).ports,
);

function event(id: string, port: string, type: CanonicalEvent['type'], time: string, data: object): CanonicalEvent {
  return {
    specversion: '1.0',
    id,
    source: 'urn:test:open-windows',
    type,
    time: new Date(time).toISOString(),
    port,
    datacontenttype: 'application/json',
    data: data as Record<string, unknown>,
  };
}

function status(id: string, port: string, time: string, measure: number, level: string): CanonicalEvent {
  return event(id, port, 'sw.measure.status.v1', time, { measure, level });
}

function permitDecided(id: string, time: string): CanonicalEvent {
  return event(id, 'CNSHA', 'sw.permit.decided.v1', time, { permitId: id, kind: 'food', decision: 'approved' });
}

/**
 * CNSHA (Asia/Shanghai) reported measure 11 `partial` on Saturday 28 November 2026 and measure 13
 * `full` on 1 December at 09:00, then measure 11 `full` on Thursday 3 December; no other port
 * reported anything. On Tuesday 1 December at 08:30 local time the windows under way are day
 * 1 December, ISO week from Monday 30 November and month December. By hand: a report counts in
 * a window when it comes before the window's end, so in the day (ending 2 December) measure 11
 * scores 100 × 2/3 = 66.67 and measure 13 100, index 83.33; in the week (ending 7 December) and
 * the month, measure 11 is `full`: 100 and 100, index 100. Coverage is 2/29 in all three.
 */
describe('OpenWindowsUseCase', () => {
  const DAY = '2026-12-01T00:00:00+08:00';
  const WEEK = '2026-11-30T00:00:00+08:00';
  const MONTH = '2026-12-01T00:00:00+08:00';
  let store: InMemoryScoringStore;
  let now: Date;
  let open: OpenWindowsUseCase;

  beforeEach(async () => {
    store = new InMemoryScoringStore();
    const scoreEvents = new ScoreEventsUseCase(store, fixedCatalogue(catalogue), ports, () => new Date(0));
    await scoreEvents.execute({
      events: [
        status('S1', 'CNSHA', '2026-11-28T10:00:00+08:00', 11, 'partial'),
        status('S2', 'CNSHA', '2026-12-01T09:00:00+08:00', 13, 'full'),
        status('S3', 'CNSHA', '2026-12-03T09:00:00+08:00', 11, 'full'),
      ],
    });
    now = new Date('2026-12-01T08:30:00+08:00');
    // The windows under way only; catching up is the next describe's.
    open = new OpenWindowsUseCase(store, fixedCatalogue(catalogue), ports, () => now, { lookBackDays: 0 });
  });

  it('leaves the windows under way that the reports themselves scored as they are', async () => {
    // The reports' own windows were scored as they arrived: days 28 November, 1 and 3 December,
    // their weeks and months, so all three windows under way are there already.
    const queuedBefore = (await store.pendingOutbox(10_000)).scores.length;
    expect(store.score('CNSHA', 'index', 'day', DAY)).toBeDefined();

    const result = await open.execute();
    expect(result).toEqual({ windowsOpened: 3, windowsCaughtUp: 0, ports: 1, scoresChanged: 0 });
    // Nothing new for the outbox: each window comes out as its reports left it.
    expect((await store.pendingOutbox(10_000)).scores.length).toBe(queuedBefore);

    for (const [grain, start, m11, index] of [
      ['day', DAY, 200 / 3, (200 / 3 + 100) / 2],
      ['week', WEEK, 100, 100],
      ['month', MONTH, 100, 100],
    ] as const) {
      expect(store.score('CNSHA', 11, grain, start)?.score).toBeCloseTo(m11, 10);
      expect(store.score('CNSHA', 13, grain, start)?.score).toBe(100);
      expect(store.score('CNSHA', 1, grain, start)?.score).toBeNull();
      expect(store.score('CNSHA', 'index', grain, start)?.score).toBeCloseTo(index, 10);
      expect(store.score('CNSHA', 'index', grain, start)?.coverage).toBeCloseTo(2 / 29, 10);
    }
    expect(store.score('CNNKG', 'index', 'day', DAY)).toBeUndefined();
  });

  it('scores and queues a window no event has touched, once while it is under way', async () => {
    // Wednesday 2 December, 00:10: a new day, in the same week and month.
    now = new Date('2026-12-02T00:10:00+08:00');
    const pages = async () => (await store.pendingOutbox(10_000)).scores.length;
    const queuedBefore = await pages();
    expect(store.score('CNSHA', 'index', 'day', '2026-12-02T00:00:00+08:00')).toBeUndefined();

    const first = await open.execute();
    // Day 2 December is new: 29 measures and the index; the week and month exist and are unchanged.
    expect(first).toEqual({ windowsOpened: 3, windowsCaughtUp: 0, ports: 1, scoresChanged: 30 });
    expect(await pages()).toBe(queuedBefore + 30);
    const day = '2026-12-02T00:00:00+08:00';
    expect(store.score('CNSHA', 11, 'day', day)).toMatchObject({
      kind: 'measure',
      windowEnd: '2026-12-03T00:00:00+08:00',
    });
    expect(store.score('CNSHA', 11, 'day', day)?.score).toBeCloseTo(200 / 3, 10);
    expect(store.score('CNSHA', 13, 'day', day)?.score).toBe(100);
    expect(store.score('CNSHA', 'index', 'day', day)?.coverage).toBeCloseTo(2 / 29, 10);

    // Looked at once per process: a second round does nothing.
    expect(await open.execute()).toEqual({ windowsOpened: 0, windowsCaughtUp: 0, ports: 0, scoresChanged: 0 });

    // Friday 4 December: measure 11 is `full` since the 3rd, so the new day scores 100 for it.
    now = new Date('2026-12-04T12:00:00+08:00');
    expect(await open.execute()).toEqual({ windowsOpened: 1, windowsCaughtUp: 0, ports: 1, scoresChanged: 30 });
    expect(store.score('CNSHA', 11, 'day', '2026-12-04T00:00:00+08:00')?.score).toBe(100);
    expect(store.score('CNSHA', 'index', 'day', '2026-12-04T00:00:00+08:00')?.score).toBe(100);
  });

  it('leaves a window its events scored as they left it, and looks again at ports without reports', async () => {
    now = new Date('2026-12-02T00:10:00+08:00');
    const scoreEvents = new ScoreEventsUseCase(store, fixedCatalogue(catalogue), ports, () => new Date(0));
    await scoreEvents.execute({ events: [permitDecided('P1', '2026-12-02T00:05:00+08:00')] });
    const scored = store.score('CNSHA', 'index', 'day', '2026-12-02T00:00:00+08:00');
    expect(scored?.computedAt).toBe(new Date(0).toISOString());

    expect(await open.execute()).toEqual({ windowsOpened: 3, windowsCaughtUp: 0, ports: 1, scoresChanged: 0 });
    expect(store.score('CNSHA', 'index', 'day', '2026-12-02T00:00:00+08:00')).toEqual(scored);

    // CNNKG reports for the first time: its windows under way are scored in the next round.
    await scoreEvents.execute({ events: [status('N1', 'CNNKG', '2026-11-02T09:00:00+08:00', 29, 'pilot')] });
    const next = await open.execute();
    expect(next).toEqual({ windowsOpened: 3, windowsCaughtUp: 0, ports: 1, scoresChanged: 90 });
    expect(store.score('CNNKG', 29, 'week', '2026-11-30T00:00:00+08:00')?.score).toBeCloseTo(100 / 3, 10);
  });
});

/**
 * The same reports, and a scorer that starts on Tuesday 1 December at 08:30 (+08:00) with the
 * default look-back of 7 days: back to Tuesday 24 November 08:30. The windows that ended in that
 * time are the days 24–30 November, the ISO week of Monday 23 November (ending 30 November) and
 * the month of November (ending 1 December 00:00); the week of 30 November and December are under
 * way. By hand: a window is scored when a report comes before its end, and CNSHA's first report
 * is 28 November 10:00, so days 24–27 are left alone. Of days 28, 29 and 30, the week and the
 * month, the reports scored their own windows as they arrived (day 28, that week and November),
 * so two windows are caught up, days 29 and 30: 29 measures and the index each, 60 scores. In
 * both, measure 11 is `partial` (100 × 2/3) and measure 13 has no report before the day's end
 * (its report is of 1 December): index 66.67, coverage 1/29.
 */
describe('OpenWindowsUseCase catching up', () => {
  const days = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => `2026-11-${String(from + i).padStart(2, '0')}T00:00:00+08:00`);
  let store: InMemoryScoringStore;
  let scoreEvents: ScoreEventsUseCase;

  beforeEach(async () => {
    store = new InMemoryScoringStore();
    scoreEvents = new ScoreEventsUseCase(store, fixedCatalogue(catalogue), ports, () => new Date(0));
    await scoreEvents.execute({
      events: [
        status('S1', 'CNSHA', '2026-11-28T10:00:00+08:00', 11, 'partial'),
        status('S2', 'CNSHA', '2026-12-01T09:00:00+08:00', 13, 'full'),
        status('S3', 'CNSHA', '2026-12-03T09:00:00+08:00', 11, 'full'),
      ],
    });
  });

  it('scores the windows with nothing stored that ended within the look-back at a port with reports', async () => {
    let now = new Date('2026-12-01T08:30:00+08:00');
    const open = new OpenWindowsUseCase(store, fixedCatalogue(catalogue), ports, () => now);
    for (const day of [...days(24, 27), ...days(29, 30)])
      expect(store.score('CNSHA', 'index', 'day', day)).toBeUndefined();
    const queuedBefore = (await store.pendingOutbox(10_000)).scores.length;

    expect(await open.execute()).toEqual({ windowsOpened: 3, windowsCaughtUp: 2, ports: 1, scoresChanged: 60 });
    expect((await store.pendingOutbox(10_000)).scores.length).toBe(queuedBefore + 60);
    for (const day of days(29, 30)) {
      expect(store.score('CNSHA', 11, 'day', day)?.score).toBeCloseTo(200 / 3, 10);
      expect(store.score('CNSHA', 13, 'day', day)?.score).toBeNull();
      expect(store.score('CNSHA', 'index', 'day', day)?.score).toBeCloseTo(200 / 3, 10);
      expect(store.score('CNSHA', 'index', 'day', day)?.coverage).toBeCloseTo(1 / 29, 10);
      expect(store.score('CNSHA', 'index', 'day', day)?.computedAt).toBe(now.toISOString());
    }
    // Scored by the report as it arrived, and left as it was.
    expect(store.score('CNSHA', 'index', 'day', '2026-11-28T00:00:00+08:00')?.computedAt).toBe(
      new Date(0).toISOString(),
    );
    // Before the first report: nothing to score.
    for (const day of days(24, 27)) expect(store.score('CNSHA', 'index', 'day', day)).toBeUndefined();
    // No other port has a report.
    expect(store.score('CNNKG', 'index', 'day', '2026-11-30T00:00:00+08:00')).toBeUndefined();

    // A day later the new day under way is scored; day 1 December, which ended meanwhile, was
    // scored while under way, so there is nothing to catch up.
    now = new Date('2026-12-02T00:10:00+08:00');
    expect(await open.execute()).toEqual({ windowsOpened: 1, windowsCaughtUp: 0, ports: 1, scoresChanged: 30 });
  });

  it('catches up a window that began and ended while the rounds waited', async () => {
    let now = new Date('2026-12-01T08:30:00+08:00');
    const behind = [0, 50_000, 0];
    const open = new OpenWindowsUseCase(store, fixedCatalogue(catalogue), ports, () => now, {
      backlog: async () => behind.shift()!,
    });
    expect(await open.execute()).toEqual({ windowsOpened: 3, windowsCaughtUp: 2, ports: 1, scoresChanged: 60 });
    // Day 2 December begins while the scorers are 50,000 events behind …
    now = new Date('2026-12-02T00:10:00+08:00');
    expect(await open.execute()).toMatchObject({ windowsOpened: 0, windowsCaughtUp: 0, waitedForBacklog: 50_000 });
    // … and has ended at the next round that goes ahead. No report scored it (S2 scored 1
    // December, S3 3 December), so it is caught up: measure 11 `partial` and measure 13 `full`
    // before its end, index (66.67 + 100) / 2 = 83.33, coverage 2/29 (30 scores). Under way: day
    // 3 December, new to this process but scored by S3 as it arrived, so unchanged.
    now = new Date('2026-12-03T12:00:00+08:00');
    expect(await open.execute()).toEqual({ windowsOpened: 1, windowsCaughtUp: 1, ports: 1, scoresChanged: 30 });
    const day = '2026-12-02T00:00:00+08:00';
    expect(store.score('CNSHA', 11, 'day', day)?.score).toBeCloseTo(200 / 3, 10);
    expect(store.score('CNSHA', 13, 'day', day)?.score).toBe(100);
    expect(store.score('CNSHA', 'index', 'day', day)?.score).toBeCloseTo(250 / 3, 10);
    expect(store.score('CNSHA', 'index', 'day', day)?.coverage).toBeCloseTo(2 / 29, 10);
    expect(store.score('CNSHA', 'index', 'day', day)?.computedAt).toBe(now.toISOString());
  });

  it('waits while the scorers are more events behind than allowed, then scores', async () => {
    const now = new Date('2026-12-01T08:30:00+08:00');
    const behind = [10_001, 10_000];
    const open = new OpenWindowsUseCase(store, fixedCatalogue(catalogue), ports, () => now, {
      maxBacklog: 10_000,
      backlog: async () => behind.shift()!,
    });
    const queuedBefore = (await store.pendingOutbox(10_000)).scores.length;
    expect(await open.execute()).toEqual({
      windowsOpened: 0,
      windowsCaughtUp: 0,
      ports: 0,
      scoresChanged: 0,
      waitedForBacklog: 10_001,
    });
    expect((await store.pendingOutbox(10_000)).scores.length).toBe(queuedBefore);
    // At the limit it goes ahead: the round of the first test above.
    expect(await open.execute()).toEqual({ windowsOpened: 3, windowsCaughtUp: 2, ports: 1, scoresChanged: 60 });
    // Nothing left to score (the other ports have no reports): the backlog is not asked for.
    behind.push(50_000);
    expect(await open.execute()).toEqual({ windowsOpened: 0, windowsCaughtUp: 0, ports: 0, scoresChanged: 0 });
    expect(behind).toEqual([50_000]);
  });

  it("catches a port up when its first report arrives, back to the look-back's start only", async () => {
    // Thursday 3 December 12:00, a look-back of 3 days: back to Monday 30 November 12:00.
    const now = new Date('2026-12-03T12:00:00+08:00');
    const open = new OpenWindowsUseCase(store, fixedCatalogue(catalogue), ports, () => now, { lookBackDays: 3 });
    const first = await open.execute();
    // CNSHA: days 30 November, 1 and 2 December and the month of November ended in those 3 days;
    // the reports scored day 1 December and November, so 30 November and 2 December are caught
    // up (60 scores). Under way: day 3 December (scored by S3), week 30 November, month December.
    expect(first).toEqual({ windowsOpened: 3, windowsCaughtUp: 2, ports: 1, scoresChanged: 60 });

    // CNNKG reports for the first time, of 2 November: the event scores that day, week and
    // month. The next round catches CNNKG up: days 30 November, 1 and 2 December (90 scores; the
    // month of November was the report's own) and scores its windows under way (90).
    await scoreEvents.execute({ events: [status('N1', 'CNNKG', '2026-11-02T09:00:00+08:00', 29, 'pilot')] });
    expect(await open.execute()).toEqual({ windowsOpened: 3, windowsCaughtUp: 3, ports: 1, scoresChanged: 180 });
    expect(store.score('CNNKG', 29, 'day', '2026-11-30T00:00:00+08:00')?.score).toBeCloseTo(100 / 3, 10);
    expect(store.score('CNNKG', 29, 'day', '2026-12-02T00:00:00+08:00')?.score).toBeCloseTo(100 / 3, 10);
    // Before the look-back: left to the API.
    expect(store.score('CNNKG', 29, 'day', '2026-11-29T00:00:00+08:00')).toBeUndefined();
    expect(store.score('CNNKG', 29, 'week', '2026-11-23T00:00:00+08:00')).toBeUndefined();
  });

  it('scores one port a transaction, and the ports of a failed round again in the next', async () => {
    await scoreEvents.execute({
      events: ['CNNKG', 'CNNGB', 'CNTAO'].map((port, i) =>
        status(`P${i}`, port, '2026-11-20T09:00:00+08:00', 29, 'full'),
      ),
    });
    const now = new Date('2026-12-01T08:30:00+08:00');
    // The ports each lock was taken for (the in-memory store's own lock ignores them).
    const locks = jest.spyOn(store as ScoringUnit, 'lockPorts');
    const locked = () => locks.mock.calls.map((call) => call[0]);
    let transactions = 0;
    let failed = false;
    const transaction = store.transaction.bind(store);
    store.transaction = (async (work: Parameters<typeof transaction>[0]) => {
      transactions += 1;
      // After the statuses read and CNSHA (the first of the four in seeds/ports.json), CNTAO's fails once.
      if (transactions === 3 && !failed) {
        failed = true;
        throw new Error('connection lost');
      }
      return transaction(work);
    }) as typeof store.transaction;
    const open = new OpenWindowsUseCase(store, fixedCatalogue(catalogue), ports, () => now);
    await expect(open.execute()).rejects.toThrow('connection lost');
    expect(locked()).toEqual([['CNSHA']]);

    // The next round reads the statuses again and scores the three ports left, one a transaction.
    transactions = 0;
    locks.mockClear();
    const round = await open.execute();
    expect(transactions).toBe(4);
    expect(locked()).toEqual([['CNTAO'], ['CNNGB'], ['CNNKG']]);
    // Each of them: its 3 windows under way, new (90 scores), and 8 of the 9 windows that ended in
    // the 7 days (24–30 November, the week of 23 November, November), all after its report of 20
    // November, which scored November itself (240 scores).
    expect(round).toEqual({ windowsOpened: 9, windowsCaughtUp: 24, ports: 3, scoresChanged: 3 * (90 + 240) });
    expect(store.score('CNTAO', 29, 'day', '2026-11-24T00:00:00+08:00')?.score).toBe(100);
    expect(store.score('CNNGB', 29, 'week', '2026-11-23T00:00:00+08:00')?.score).toBe(100);
    expect(store.score('CNNKG', 29, 'day', '2026-12-01T00:00:00+08:00')?.score).toBe(100);
  });
});
