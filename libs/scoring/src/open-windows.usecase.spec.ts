import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type Catalogue, MeasureCatalogue } from '@portscore/catalogue';
import { type CanonicalEvent, type Port, PortRegistry } from '@portscore/contracts';

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
    open = new OpenWindowsUseCase(store, fixedCatalogue(catalogue), ports, () => now);
  });

  it('leaves the windows under way that the reports themselves scored as they are', async () => {
    // The reports' own windows were scored as they arrived: days 28 November, 1 and 3 December,
    // their weeks and months, so all three windows under way are there already.
    const queuedBefore = (await store.pendingOutbox(10_000)).scores.length;
    expect(store.score('CNSHA', 'index', 'day', DAY)).toBeDefined();

    const result = await open.execute();
    expect(result).toEqual({ windowsOpened: 3, ports: 1, scoresChanged: 0 });
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
    expect(first).toEqual({ windowsOpened: 3, ports: 1, scoresChanged: 30 });
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
    expect(await open.execute()).toEqual({ windowsOpened: 0, ports: 0, scoresChanged: 0 });

    // Friday 4 December: measure 11 is `full` since the 3rd, so the new day scores 100 for it.
    now = new Date('2026-12-04T12:00:00+08:00');
    expect(await open.execute()).toEqual({ windowsOpened: 1, ports: 1, scoresChanged: 30 });
    expect(store.score('CNSHA', 11, 'day', '2026-12-04T00:00:00+08:00')?.score).toBe(100);
    expect(store.score('CNSHA', 'index', 'day', '2026-12-04T00:00:00+08:00')?.score).toBe(100);
  });

  it('leaves a window its events scored as they left it, and looks again at ports without reports', async () => {
    now = new Date('2026-12-02T00:10:00+08:00');
    const scoreEvents = new ScoreEventsUseCase(store, fixedCatalogue(catalogue), ports, () => new Date(0));
    await scoreEvents.execute({ events: [permitDecided('P1', '2026-12-02T00:05:00+08:00')] });
    const scored = store.score('CNSHA', 'index', 'day', '2026-12-02T00:00:00+08:00');
    expect(scored?.computedAt).toBe(new Date(0).toISOString());

    expect(await open.execute()).toEqual({ windowsOpened: 3, ports: 1, scoresChanged: 0 });
    expect(store.score('CNSHA', 'index', 'day', '2026-12-02T00:00:00+08:00')).toEqual(scored);

    // CNNKG reports for the first time: its windows under way are scored in the next round.
    await scoreEvents.execute({ events: [status('N1', 'CNNKG', '2026-11-02T09:00:00+08:00', 29, 'pilot')] });
    const next = await open.execute();
    expect(next).toEqual({ windowsOpened: 3, ports: 1, scoresChanged: 90 });
    expect(store.score('CNNKG', 29, 'week', '2026-11-30T00:00:00+08:00')?.score).toBeCloseTo(100 / 3, 10);
  });
});
