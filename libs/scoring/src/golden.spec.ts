import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type Catalogue, MeasureCatalogue } from '@portscore/catalogue';
import { type CanonicalEvent, FilingValidator, type Port, PortRegistry } from '@portscore/contracts';

import { InMemoryScoringStore } from './in-memory-scoring.store';
import { fixedCatalogue, ScoreEventsUseCase } from './score-events.usecase';

const root = join(__dirname, '..', '..', '..');
const catalogue = new MeasureCatalogue(
  JSON.parse(readFileSync(join(root, 'seeds/catalogue.json'), 'utf8')) as Catalogue,
);
const ports = new PortRegistry(
  (JSON.parse(readFileSync(join(root, 'seeds/ports.json'), 'utf8')) as { ports: Port[] }).ports,
);
const validator = new FilingValidator({
  ports,
  maxBytes: 1 << 20,
  maxFutureMs: 300_000,
  now: () => new Date('2026-11-27T00:00:00Z'),
});

interface Expected {
  indicators: Record<
    string,
    { value: number | null; samples: number; scored: boolean; attainment: number | null; windowEnd: string }
  >;
  scores: Record<string, number | null>;
}

/** The golden event set, validated like the gateway does, in stream order. */
export function goldenEvents(): CanonicalEvent[] {
  return readFileSync(join(root, 'test/golden/events.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((line) =>
      validator.validate({ value: Buffer.from(line), headers: { 'content-type': 'application/cloudevents+json' } }),
    );
}

export async function scoreInBatches(batches: CanonicalEvent[][]): Promise<InMemoryScoringStore> {
  const store = new InMemoryScoringStore();
  const useCase = new ScoreEventsUseCase(
    store,
    fixedCatalogue(catalogue),
    ports,
    () => new Date('2026-11-27T00:00:00Z'),
  );
  for (const events of batches) await useCase.execute({ events });
  return store;
}

function close(actual: number | null | undefined, expected: number | null): boolean {
  if (expected === null || actual === null || actual === undefined) return actual === expected;
  return Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
}

/**
 * Golden test: three ports (two time zones) over September and October 2026, every quantitative
 * KPI, against expected values computed by test/golden/reference.py, an independent
 * implementation of SPEC §3–4 (regenerate: python3 test/golden/generate.py && python3 test/golden/reference.py).
 */
describe('golden event set against the independent reference', () => {
  const expected = JSON.parse(readFileSync(join(root, 'test/golden/expected.json'), 'utf8')) as Expected;
  let store: InMemoryScoringStore;

  beforeAll(async () => {
    const events = goldenEvents();
    const batches: CanonicalEvent[][] = [];
    for (let start = 0; start < events.length; start += 250) batches.push(events.slice(start, start + 250));
    store = await scoreInBatches(batches);
  });

  it('finds every stored milestone and sample it inserts as new to be new (none takes the fallback upsert)', () => {
    expect(store.facts.size).toBeGreaterThan(0);
    expect(store.freshConflicts).toBe(0);
  });

  it('touches every quantitative KPI, at every port, in both months', () => {
    const kpis = new Set(Object.keys(expected.indicators).map((key) => key.split('|')[1]));
    expect([...kpis].sort()).toEqual(
      catalogue
        .allKpis()
        .map((k) => k.id)
        .sort(),
    );
    for (const port of ['CNSHA', 'CNPVG', 'CNAKA']) {
      expect(Object.keys(expected.indicators)).toContain(
        `${port}|m1.instant_share|month|${port === 'CNAKA' ? '2026-09-01T00:00:00+06:00' : '2026-09-01T00:00:00+08:00'}`,
      );
    }
  });

  it('computes every expected indicator: value, samples, scored and attainment', () => {
    const mismatches: string[] = [];
    for (const [key, want] of Object.entries(expected.indicators)) {
      const [port, kpi, grain, start] = key.split('|') as [string, string, string, string];
      const got = store.indicator(port, kpi, grain, start);
      if (
        !got ||
        got.samples !== want.samples ||
        got.scored !== want.scored ||
        !close(got.value, want.value) ||
        !close(got.attainment, want.attainment) ||
        got.windowEndText !== want.windowEnd
      ) {
        mismatches.push(
          `${key}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got && { value: got.value, samples: got.samples, scored: got.scored, attainment: got.attainment, windowEnd: got.windowEndText })}`,
        );
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
  });

  it('leaves only emptied windows beyond the expected ones (a case moved out: published as no data)', () => {
    for (const { indicator } of store.indicators.values()) {
      const key = `${indicator.port}|${indicator.kpi}|${indicator.grain}|${indicator.windowStartText}`;
      if (!(key in expected.indicators))
        expect({ key, samples: indicator.samples, value: indicator.value }).toEqual({ key, samples: 0, value: null });
    }
  });

  it('computes every measure score and port index, with status fallback and null for no data', () => {
    const mismatches: string[] = [];
    for (const [key, want] of Object.entries(expected.scores)) {
      const [port, measure, grain, start] = key.split('|') as [string, string, string, string];
      const got = store.score(port, measure === 'index' ? 'index' : Number(measure.slice(1)), grain, start);
      if (!got || !close(got.score, want)) mismatches.push(`${key}: expected ${want}, got ${got?.score}`);
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    // Measure 11 has no KPI: its score comes from the latest status report before the window's end.
    expect(store.score('CNSHA', 11, 'month', '2026-10-01T00:00:00+08:00')!.score).toBeCloseTo((100 * 2) / 3, 9);
    expect(store.score('CNSHA', 25, 'month', '2026-10-01T00:00:00+08:00')!.score).toBeNull();
  });
});
