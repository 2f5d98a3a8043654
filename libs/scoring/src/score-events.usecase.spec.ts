import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type Catalogue, MeasureCatalogue, type WindowScores } from '@portscore/catalogue';
import { type CanonicalEvent, type Port, PortRegistry } from '@portscore/contracts';

import { IndicatorOutbox } from './indicator-outbox.service';
import { InMemoryScoringStore } from './in-memory-scoring.store';
import { fixedCatalogue, ScoreEventsUseCase } from './score-events.usecase';

const seeds = join(__dirname, '..', '..', '..', 'seeds');
const catalogue = new MeasureCatalogue(JSON.parse(readFileSync(join(seeds, 'catalogue.json'), 'utf8')) as Catalogue);
const ports = new PortRegistry(
  (JSON.parse(readFileSync(join(seeds, 'ports.json'), 'utf8')) as { ports: Port[] }).ports,
);

const PORT = 'CNSHA';
const OCTOBER = '2026-10-01T00:00:00+08:00';

function applied(permit: string, time: string, source = 'urn:test:quarantine'): CanonicalEvent {
  return event(`${permit}-applied-${time}`, source, 'sw.permit.applied.v1', time, {
    permitId: permit,
    kind: 'food',
    channel: 'electronic',
  });
}

function decided(permit: string, time: string, source = 'urn:test:quarantine'): CanonicalEvent {
  return event(`${permit}-decided-${time}`, source, 'sw.permit.decided.v1', time, {
    permitId: permit,
    kind: 'food',
    decision: 'approved',
  });
}

function certificate(id: string, time: string, kind: string, electronic: boolean): CanonicalEvent {
  return event(id, 'urn:test:certificates', 'sw.certificate.issued.v1', time, {
    certificateId: id,
    kind,
    direction: 'import',
    partnerCountry: 'AU',
    electronic,
    verifiedOnline: false,
  });
}

function event(
  id: string,
  source: string,
  type: CanonicalEvent['type'],
  time: string,
  data: Record<string, unknown>,
): CanonicalEvent {
  return {
    specversion: '1.0',
    id,
    source,
    type,
    time: new Date(time).toISOString(),
    port: PORT,
    datacontenttype: 'application/json',
    data,
  };
}

/**
 * Six permits with both milestones, durations 0.5, 0.75, 1, 12, 30 and 1/3 hours, plus one
 * decision without an application. By hand: 4 of 6 within 1 h → 0.6667; p90 of the six
 * durations (rank 4.5 of 0..5) = 12 + 0.5 × (30 − 12) = 21 h.
 */
const PERMITS: Array<[string, string, string]> = [
  ['P1', '2026-10-05T09:00:00+08:00', '2026-10-05T09:30:00+08:00'],
  ['P2', '2026-10-05T10:00:00+08:00', '2026-10-05T10:45:00+08:00'],
  ['P3', '2026-10-06T08:00:00+08:00', '2026-10-06T09:00:00+08:00'],
  ['P4', '2026-10-06T08:00:00+08:00', '2026-10-06T20:00:00+08:00'],
  ['P5', '2026-10-07T08:00:00+08:00', '2026-10-08T14:00:00+08:00'],
  ['P6', '2026-10-08T09:00:00+08:00', '2026-10-08T09:20:00+08:00'],
];
const APPLICATIONS = PERMITS.map(([id, at]) => applied(id, at));
const DECISIONS = [...PERMITS.map(([id, , at]) => decided(id, at)), decided('P7', '2026-10-09T11:00:00+08:00')];
const CERTIFICATES = [
  ...[0, 1, 2, 3, 4, 5].map((n) => certificate(`C${n}`, `2026-10-1${n}T10:00:00+08:00`, 'entry_inspection', n !== 3)),
  certificate('C-SPS', '2026-10-12T10:00:00+08:00', 'sps', false),
];

async function score(batches: CanonicalEvent[][]): Promise<InMemoryScoringStore> {
  const store = new InMemoryScoringStore();
  const useCase = new ScoreEventsUseCase(
    store,
    fixedCatalogue(catalogue),
    ports,
    () => new Date('2026-11-01T00:00:00Z'),
  );
  for (const events of batches) await useCase.execute({ events });
  return store;
}

function monthOf(store: InMemoryScoringStore, kpi: string) {
  return store.indicator(PORT, kpi, 'month', OCTOBER);
}

describe('ScoreEventsUseCase, measure 1', () => {
  it('computes the month KPIs by hand-checked values', async () => {
    const store = await score([[...APPLICATIONS, ...DECISIONS, ...CERTIFICATES]]);

    const instant = monthOf(store, 'm1.instant_share')!;
    expect(instant.samples).toBe(6);
    expect(instant.value).toBeCloseTo(4 / 6, 12);
    expect(instant.scored).toBe(true);
    expect(instant.attainment).toBeCloseTo(4 / 6 / 0.9, 12);
    expect(instant.windowEndText).toBe('2026-11-01T00:00:00+08:00');

    const p90 = monthOf(store, 'm1.p90_hours')!;
    expect(p90.samples).toBe(6);
    expect(p90.value).toBeCloseTo(21, 10);
    expect(p90.attainment).toBe(1);

    const ecert = monthOf(store, 'm1.ecert_share')!;
    expect(ecert.samples).toBe(6);
    expect(ecert.value).toBeCloseTo(5 / 6, 12);
    expect(ecert.measure).toBe(1);
    expect(ecert.catalogueVersion).toBe('2024.1');
  });

  it('does not double-count duplicates, in one batch or across batches', async () => {
    const once = await score([[...APPLICATIONS, ...DECISIONS, ...CERTIFICATES]]);
    const repeated = await score([
      [...APPLICATIONS, ...APPLICATIONS, ...DECISIONS],
      [...DECISIONS, ...CERTIFICATES, ...CERTIFICATES],
      [...APPLICATIONS],
    ]);
    for (const kpi of ['m1.instant_share', 'm1.p90_hours', 'm1.ecert_share']) {
      expect(monthOf(repeated, kpi)).toEqual(monthOf(once, kpi));
    }
    // A redelivered batch is scored again and changes nothing.
    const useCase = new ScoreEventsUseCase(
      repeated,
      fixedCatalogue(catalogue),
      ports,
      () => new Date('2026-11-02T00:00:00Z'),
    );
    expect(await useCase.execute({ events: [...APPLICATIONS, ...DECISIONS] })).toMatchObject({
      eventsScored: APPLICATIONS.length + DECISIONS.length,
      indicatorsChanged: 0,
      scoresChanged: 0,
    });
    for (const kpi of ['m1.instant_share', 'm1.p90_hours', 'm1.ecert_share']) {
      expect(monthOf(repeated, kpi)).toEqual(monthOf(once, kpi));
    }
    expect(repeated.freshConflicts).toBe(0);
  });

  it('gives the same result whatever the delivery order', async () => {
    const inOrder = await score([[...APPLICATIONS, ...DECISIONS, ...CERTIFICATES]]);
    const reversed = await score([[...CERTIFICATES].reverse(), [...DECISIONS].reverse(), [...APPLICATIONS].reverse()]);
    const oneByOne = await score([...DECISIONS, ...CERTIFICATES, ...APPLICATIONS].map((e) => [e]));
    expect([...reversed.indicators.keys()].sort()).toEqual([...inOrder.indicators.keys()].sort());
    for (const [key, entry] of inOrder.indicators) {
      expect(reversed.indicators.get(key)!.indicator).toEqual(entry.indicator);
      expect(oneByOne.indicators.get(key)!.indicator).toEqual(entry.indicator);
    }
    expect([inOrder.freshConflicts, reversed.freshConflicts, oneByOne.freshConflicts]).toEqual([0, 0, 0]);
  });

  it('has no sample until both milestones of a permit are known', async () => {
    const store = await score([DECISIONS]);
    expect(monthOf(store, 'm1.instant_share')).toMatchObject({
      value: null,
      samples: 0,
      scored: false,
      attainment: null,
    });
    expect(monthOf(store, 'm1.p90_hours')).toMatchObject({ value: null, samples: 0 });
  });

  it('stores no sample that adds nothing, evaluates its windows all the same, and removes one that comes to add nothing', async () => {
    const rows = (store: InMemoryScoringStore, kpi: string) =>
      [...(store.samples.get(`${PORT}|${kpi}`)?.values() ?? [])].map((s) => `${s.caseId} ${s.at.toISOString()}`);
    // Decisions without applications: no duration, nothing to store; the month is reported, empty.
    const store = await score([DECISIONS]);
    expect(rows(store, 'm1.instant_share')).toEqual([]);
    expect(rows(store, 'm1.p90_hours')).toEqual([]);
    expect(monthOf(store, 'm1.instant_share')).toMatchObject({ value: null, samples: 0 });
    // The applications give six of the seven their samples.
    const useCase = new ScoreEventsUseCase(store, fixedCatalogue(catalogue), ports);
    await useCase.execute({ events: APPLICATIONS });
    expect(rows(store, 'm1.p90_hours')).toHaveLength(6);
    expect(rows(store, 'm1.p90_hours')).toContain('P6 2026-10-08T01:20:00.000Z');
    // P6 reported decided an hour before its application: a negative duration, no sample any more.
    await useCase.execute({ events: [decided('P6', '2026-10-08T08:00:00+08:00', 'urn:test:other')] });
    expect(rows(store, 'm1.p90_hours')).toHaveLength(5);
    expect(rows(store, 'm1.p90_hours').filter((row) => row.startsWith('P6 '))).toEqual([]);
    expect(store.indicator(PORT, 'm1.p90_hours', 'day', '2026-10-08T00:00:00+08:00')).toMatchObject({
      samples: 1, // P5, 30 h
      value: 30,
    });
    expect(monthOf(store, 'm1.instant_share')).toMatchObject({ samples: 5 });
    expect(monthOf(store, 'm1.instant_share')!.value).toBeCloseTo(3 / 5, 12);
    // A KPI that counts every case keeps the all-zero samples: m19 divides by every verification.
    const verification = (id: string, remote: boolean) =>
      event(id, 'urn:test:verifications', 'sw.verification.v1', '2026-10-20T10:00:00+08:00', {
        orderId: id,
        enterpriseId: 'E1',
        stage: 'performed',
        remote,
        ...(remote ? {} : { visitId: `visit-${id}` }),
      });
    await useCase.execute({ events: [verification('V1', true), verification('V2', false)] });
    expect(rows(store, 'm19.visits_per_order')).toHaveLength(2);
    expect(monthOf(store, 'm19.visits_per_order')).toMatchObject({ value: 0.5, samples: 2 });
    expect(store.freshConflicts).toBe(0);
  });

  it('ignores a permit decided before it was applied (negative duration)', async () => {
    const backwards = [applied('P8', '2026-10-09T10:00:00+08:00'), decided('P8', '2026-10-09T09:00:00+08:00')];
    const store = await score([[...APPLICATIONS, ...DECISIONS], backwards]);
    expect(monthOf(store, 'm1.instant_share')).toMatchObject({ samples: 6 });
    expect(monthOf(store, 'm1.instant_share')!.value).toBeCloseTo(4 / 6, 12);
  });

  it('places a decision by the port-local day and month at window edges', async () => {
    // 23:30 on 31 October in Shanghai is 15:30 UTC: October. Midnight of 1 November: November.
    const store = await score([
      [
        applied('E1', '2026-10-31T23:00:00+08:00'),
        decided('E1', '2026-10-31T23:30:00+08:00'),
        applied('E2', '2026-10-31T23:30:00+08:00'),
        decided('E2', '2026-11-01T00:00:00+08:00'),
      ],
    ]);
    expect(monthOf(store, 'm1.instant_share')).toMatchObject({ value: 1, samples: 1 });
    expect(store.indicator(PORT, 'm1.instant_share', 'month', '2026-11-01T00:00:00+08:00')).toMatchObject({
      value: 1,
      samples: 1,
    });
    expect(store.indicator(PORT, 'm1.instant_share', 'day', '2026-10-31T00:00:00+08:00')).toMatchObject({ samples: 1 });
    expect(store.indicator(PORT, 'm1.instant_share', 'day', '2026-11-01T00:00:00+08:00')).toMatchObject({ samples: 1 });
    // ISO week 44 runs Mon 26 Oct – Mon 2 Nov: both decisions are in it.
    expect(store.indicator(PORT, 'm1.instant_share', 'week', '2026-10-26T00:00:00+08:00')).toMatchObject({
      samples: 2,
      value: 1,
    });
  });

  it('reports a day window below minimum samples without scoring it', async () => {
    const store = await score([[...APPLICATIONS, ...DECISIONS]]);
    // 5 October: P1 (0.5 h) and P2 (0.75 h)
    expect(store.indicator(PORT, 'm1.instant_share', 'day', '2026-10-05T00:00:00+08:00')).toMatchObject({
      value: 1,
      samples: 2,
      scored: false,
      attainment: null,
    });
  });

  it('moves a case to another window when an earlier milestone time arrives', async () => {
    const store = await score([[...APPLICATIONS, ...DECISIONS]]);
    const day8 = '2026-10-08T00:00:00+08:00';
    expect(store.indicator(PORT, 'm1.p90_hours', 'day', day8)).toMatchObject({ samples: 2 }); // P5 30 h, P6 1/3 h
    // Another system reports P5's decision earlier, at 20:00 on the 7th: 12 h, in the 7th's window.
    const useCase = new ScoreEventsUseCase(store, fixedCatalogue(catalogue), ports);
    await useCase.execute({ events: [decided('P5', '2026-10-07T20:00:00+08:00', 'urn:test:other')] });
    expect(store.indicator(PORT, 'm1.p90_hours', 'day', day8)).toMatchObject({ samples: 1 });
    expect(store.indicator(PORT, 'm1.p90_hours', 'day', day8)!.value).toBeCloseTo(1 / 3, 12);
    expect(store.indicator(PORT, 'm1.p90_hours', 'day', '2026-10-07T00:00:00+08:00')).toMatchObject({
      samples: 1,
      value: 12,
    });
    // Month p90 over 0.5, 0.75, 1, 12, 12, 1/3: rank 4.5 → 12.
    expect(monthOf(store, 'm1.p90_hours')!.value).toBeCloseTo(12, 10);
    expect(store.freshConflicts).toBe(0);
  });

  it('leaves changed indicators for the outbox, which publishes each once', async () => {
    const store = await score([[...APPLICATIONS, ...DECISIONS]]);
    const sent: string[] = [];
    const outbox = new IndicatorOutbox(
      store,
      {
        publish: async (_topic, messages) => {
          sent.push(...messages.map((m) => m.key!));
        },
      },
      { indicators: 'sw.indicators.v1', scores: 'sw.scores.v1' },
      { compactEvery: 0 },
    );
    const first = await outbox.flush();
    // Every indicator, and 29 measure scores + 1 index per touched window.
    expect(store.scores.size).toBe((30 * store.indicators.size) / 2); // two M1 permit KPIs per window
    expect(first).toBe(store.indicators.size + store.scores.size);
    expect(sent).toContain(`${PORT}|m1.instant_share|month|${OCTOBER}`);
    expect(sent).toContain(`${PORT}|index|month|${OCTOBER}`);
    expect(await outbox.flush()).toBe(0);
  });

  it('compacts the queue once the entries removed since the last compaction reach compactEvery', async () => {
    const topics = { indicators: 'sw.indicators.v1', scores: 'sw.scores.v1' };
    const publisher = { publish: async () => undefined };
    const store = await score([[...APPLICATIONS, ...DECISIONS]]);
    const queued = store.outbox.length;
    const outbox = new IndicatorOutbox(store, publisher, topics, { compactEvery: queued + 1 });
    await outbox.flush();
    expect(store.outbox).toHaveLength(0);
    expect(store.compactions).toBe(0); // one entry short
    const useCase = new ScoreEventsUseCase(store, fixedCatalogue(catalogue), ports);
    await useCase.execute({ events: [decided('P5', '2026-10-07T20:00:00+08:00', 'urn:test:other')] });
    await outbox.flush();
    expect(store.compactions).toBe(1);
    await outbox.flush(); // nothing removed since
    expect(store.compactions).toBe(1);

    // A compaction that fails is owed, and done on the next round, however little it removes.
    const failing = await score([[...APPLICATIONS, ...DECISIONS]]);
    const compact = failing.compactOutbox.bind(failing);
    let failures = 1;
    failing.compactOutbox = async () => {
      failures -= 1;
      if (failures >= 0) throw new Error('connection lost');
      return compact();
    };
    const retried = new IndicatorOutbox(failing, publisher, topics, { compactEvery: failing.outbox.length });
    await expect(retried.flush()).rejects.toThrow('connection lost');
    expect(failing.outbox).toHaveLength(0); // published and removed all the same
    expect(failing.compactions).toBe(0);
    await retried.flush();
    expect(failing.compactions).toBe(1);

    const never = await score([[...APPLICATIONS, ...DECISIONS]]);
    await new IndicatorOutbox(never, publisher, topics, { compactEvery: 0 }).flush();
    expect(never.outbox).toHaveLength(0);
    expect(never.compactions).toBe(0);
  });

  it('scores again only the measures of changed KPIs in a window that has scores, all of them in a new one', async () => {
    const store = await score([[...APPLICATIONS, ...DECISIONS, ...CERTIFICATES]]);
    const saved: WindowScores[] = [];
    const saveScores = store.saveScores.bind(store);
    store.saveScores = (scores, computedAt) => {
      saved.push(...scores);
      return saveScores(scores, computedAt);
    };
    // An earlier report of P4's decision (08:30, not 20:00): within the hour now, so the permit
    // KPIs of 6 October, its week and its month change.
    const useCase = new ScoreEventsUseCase(store, fixedCatalogue(catalogue), ports);
    await useCase.execute({ events: [decided('P4', '2026-10-06T08:30:00+08:00', 'urn:test:other')] });
    expect(monthOf(store, 'm1.instant_share')!.value).toBeCloseTo(5 / 6, 12);
    const month = saved.find((s) => s.grain === 'month')!;
    expect(month.measures.map((m) => m.measure)).toEqual([1]);
    expect(saved.map((s) => s.grain).sort()).toEqual(['day', 'month', 'week']);
    // The port index still reflects every measure: M1 is the only one with data here.
    expect(month.index).toBe(month.measures[0]!.score);
    expect(month.coverage).toBeCloseTo(1 / 29, 12);

    // A permit on 20 October, a day and a week without any case before: all 29 measures there.
    saved.length = 0;
    await useCase.execute({
      events: [applied('P8', '2026-10-20T10:00:00+08:00'), decided('P8', '2026-10-20T10:30:00+08:00')],
    });
    const day = saved.find((s) => s.grain === 'day')!;
    expect(day.window.startText).toBe('2026-10-20T00:00:00+08:00');
    expect(day.measures).toHaveLength(29);
    expect(saved.find((s) => s.grain === 'week')!.measures).toHaveLength(29);
    expect(saved.find((s) => s.grain === 'month')!.measures.map((m) => m.measure)).toEqual([1]);
  });

  it('serves requests made while a flush runs with one more round, without waiting', async () => {
    const store = await score([[...APPLICATIONS, ...DECISIONS]]);
    const rounds: number[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const outbox = new IndicatorOutbox(
      store,
      {
        publish: async (topic, messages) => {
          if (topic !== 'sw.indicators.v1') return;
          rounds.push(messages.length);
          if (rounds.length === 1) await held;
        },
      },
      { indicators: 'sw.indicators.v1', scores: 'sw.scores.v1' },
      { compactEvery: 0 },
    );
    const errors: unknown[] = [];
    const savedFirst = store.indicators.size;
    outbox.request((error) => errors.push(error));
    // Three more batches ask while the first round is held at the broker.
    const useCase = new ScoreEventsUseCase(store, fixedCatalogue(catalogue), ports);
    const later = await useCase.execute({
      events: [decided('P5', '2026-10-07T20:00:00+08:00', 'urn:test:other')],
    });
    outbox.request((error) => errors.push(error));
    outbox.request((error) => errors.push(error));
    outbox.request((error) => errors.push(error));
    release();
    while (rounds.length < 2 || store.outbox.length > 0) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    // First round: everything saved before; second: what the later decision changed, once,
    // whatever the number of requests.
    expect(rounds[0]).toBe(savedFirst);
    expect(later.indicatorsChanged).toBeGreaterThan(0);
    expect(rounds[1]).toBe(later.indicatorsChanged);
    expect(rounds).toHaveLength(2);
    expect(errors).toEqual([]);
  });
});

/**
 * A status report of measure 11 at CNSHA (Asia/Shanghai), dated Monday 30 November 2026 10:00,
 * scored on Thursday 3 December at 12:00 with a look-back of 7 days. It counts for every window
 * ending after it: those holding it (day 30 November, the week from that Monday, November) and
 * those that have ended since — November (1 December 00:00), days 1 and 2 December — none of
 * which has scores yet: five windows, each 29 measure scores and the port index (150 scores).
 * Measure 11 `partial` scores 100 × 2/3; no other measure has a report or a KPI: index 66.67,
 * coverage 1/29.
 */
describe('ScoreEventsUseCase, status reports', () => {
  const report = event('R1', 'urn:test:status', 'sw.measure.status.v1', '2026-11-30T10:00:00+08:00', {
    measure: 11,
    level: 'partial',
  });
  const scoredAt = new Date('2026-12-03T12:00:00+08:00');
  const days = ['2026-11-30', '2026-12-01', '2026-12-02'].map((day) => `${day}T00:00:00+08:00`);

  it('scores the windows that ended after a late report within the look-back, scored or not', async () => {
    const store = new InMemoryScoringStore();
    const useCase = new ScoreEventsUseCase(store, fixedCatalogue(catalogue), ports, () => scoredAt, {
      lookBackDays: 7,
    });
    expect(await useCase.execute({ events: [report] })).toMatchObject({ scoresChanged: 150 });
    for (const day of days) {
      expect(store.score(PORT, 11, 'day', day)?.score).toBeCloseTo(200 / 3, 10);
      expect(store.score(PORT, 'index', 'day', day)?.score).toBeCloseTo(200 / 3, 10);
      expect(store.score(PORT, 'index', 'day', day)?.coverage).toBeCloseTo(1 / 29, 10);
    }
    expect(store.score(PORT, 'index', 'week', '2026-11-30T00:00:00+08:00')?.score).toBeCloseTo(200 / 3, 10);
    expect(store.score(PORT, 'index', 'month', '2026-11-01T00:00:00+08:00')?.score).toBeCloseTo(200 / 3, 10);
    // Under way and not holding the report: left to the round of windows under way.
    expect(store.score(PORT, 'index', 'day', '2026-12-03T00:00:00+08:00')).toBeUndefined();
  });

  it('goes back no further than the look-back, and with none only to the windows holding the report', async () => {
    // A look-back of 1 day reaches back to 2 December 12:00: of the ended windows, day 2
    // December only; with the three holding the report, four windows (120 scores).
    const oneDay = new InMemoryScoringStore();
    const recent = new ScoreEventsUseCase(oneDay, fixedCatalogue(catalogue), ports, () => scoredAt, {
      lookBackDays: 1,
    });
    expect(await recent.execute({ events: [report] })).toMatchObject({ scoresChanged: 120 });
    expect(oneDay.score(PORT, 'index', 'day', days[2]!)?.score).toBeCloseTo(200 / 3, 10);
    expect(oneDay.score(PORT, 'index', 'day', days[1]!)).toBeUndefined();

    const none = new InMemoryScoringStore();
    const holding = new ScoreEventsUseCase(none, fixedCatalogue(catalogue), ports, () => scoredAt);
    expect(await holding.execute({ events: [report] })).toMatchObject({ scoresChanged: 90 });
    expect(none.score(PORT, 'index', 'day', days[1]!)).toBeUndefined();
  });
});
