import type { CanonicalEvent } from '@portscore/contracts';

import { goldenEvents, scoreInBatches } from './golden.spec';
import type { InMemoryScoringStore } from './in-memory-scoring.store';

/** mulberry32: a small seeded generator, so every run of this test sees the same orders. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shuffled, one in ten duplicated, cut into uneven batches, with a fifth held back as late arrivals. */
function disorder(events: CanonicalEvent[], seed: number): CanonicalEvent[][] {
  const next = random(seed);
  const stream = [...events, ...events.filter(() => next() < 0.1)];
  for (let i = stream.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [stream[i], stream[j]] = [stream[j]!, stream[i]!];
  }
  const late = stream.filter(() => next() < 0.2);
  const onTime = stream.filter((e) => !late.includes(e));
  const batches: CanonicalEvent[][] = [];
  for (const part of [onTime, late]) {
    for (let start = 0; start < part.length;) {
      const size = 1 + Math.floor(next() * 400);
      batches.push(part.slice(start, start + size));
      start += size;
    }
  }
  return batches;
}

function published(store: InMemoryScoringStore): Map<string, unknown> {
  const values = new Map<string, unknown>();
  for (const [key, { indicator }] of store.indicators) {
    // A window a case moved out of is published as no data; it counts as absent here.
    if (indicator.samples > 0)
      values.set(key, [indicator.value, indicator.samples, indicator.scored, indicator.attainment]);
  }
  for (const [key, score] of store.scores) values.set(key, score.message.score);
  return values;
}

describe('order independence (property)', () => {
  const events = goldenEvents();
  let reference: Map<string, unknown>;

  beforeAll(async () => {
    reference = published(await scoreInBatches([events]));
  });

  it.each([1, 2, 3])(
    'gives identical indicators and scores for shuffled, duplicated, late batches (seed %i)',
    async (seed) => {
      const batches = disorder(events, seed);
      expect(batches.length).toBeGreaterThan(5);
      const result = published(await scoreInBatches(batches));
      const indicatorKeys = [...reference.keys()].filter((k) => !k.includes('|index|') && !/\|m\d+\|/.test(k));
      expect(indicatorKeys.length).toBeGreaterThan(2500);
      const differences = [...new Set([...reference.keys(), ...result.keys()])].filter(
        (key) => JSON.stringify(reference.get(key) ?? null) !== JSON.stringify(result.get(key) ?? null),
      );
      expect(differences.slice(0, 5).map((key) => [key, reference.get(key), result.get(key)])).toEqual([]);
    },
  );

  it('keeps the same report of a milestone whichever of two reports of the same time comes first', async () => {
    // Two systems report a declaration's release at the same instant with different goods; the
    // report with the smaller event key wins, in whatever order or batch the two arrive.
    const original = events.find(
      (e) => e.type === 'sw.clearance.milestone.v1' && (e.data as { milestone: string }).milestone === 'released',
    )!;
    const goods = (original.data as { goods: string }).goods === 'rnd_material' ? 'fresh_produce' : 'rnd_material';
    const twin: CanonicalEvent = {
      ...original,
      source: 'urn:aaa:twin',
      id: 'twin-1',
      data: { ...(original.data as object), goods },
    };
    const rest = events.filter((e) => e !== original);
    const twinLast = published(await scoreInBatches([[...rest, original], [twin]]));
    const twinFirst = published(await scoreInBatches([[...rest, twin], [original]]));
    const together = published(await scoreInBatches([[...rest, original, twin]]));
    expect(twinLast).toEqual(twinFirst);
    expect(twinLast).toEqual(together);
    // And it did change something: the twin's goods count instead of the original's.
    expect(twinLast).not.toEqual(reference);
  });
});
