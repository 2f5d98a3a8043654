import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type Catalogue, MeasureCatalogue } from '@portscore/catalogue';
import { type CanonicalEvent, type Port, PortRegistry } from '@portscore/contracts';

import { goldenEvents, scoreInBatches } from './golden.spec';
import { RecomputeUseCase } from './recompute.usecase';

const root = join(__dirname, '..', '..', '..');
const data = JSON.parse(readFileSync(join(root, 'seeds/catalogue.json'), 'utf8')) as Catalogue;
const ports = new PortRegistry(
  (JSON.parse(readFileSync(join(root, 'seeds/ports.json'), 'utf8')) as { ports: Port[] }).ports,
);

/** A catalogue upgrade: m1.instant_share target 0.90 → 0.60 and minimum samples 5 → 20. */
function upgraded(): MeasureCatalogue {
  const next = JSON.parse(JSON.stringify(data)) as Catalogue;
  next.version = '2025.1';
  const kpi = next.measures[0]!.kpis.find((k) => k.id === 'm1.instant_share')!;
  kpi.target = 0.6;
  kpi.minSamples = 20;
  return new MeasureCatalogue(next);
}

describe('RecomputeUseCase', () => {
  it('recomputes every window with the new catalogue: targets, minimum samples, version, scores', async () => {
    const store = await scoreInBatches([goldenEvents()]);
    const before = store.indicator('CNSHA', 'm1.instant_share', 'month', '2026-10-01T00:00:00+08:00')!;
    expect(before.scored).toBe(true);
    const result = await new RecomputeUseCase(store, upgraded(), ports, 50).execute();
    expect(result.ports).toBe(3);

    const month = store.indicator('CNSHA', 'm1.instant_share', 'month', '2026-10-01T00:00:00+08:00')!;
    expect(month).toMatchObject({
      value: before.value,
      samples: before.samples,
      target: 0.6,
      catalogueVersion: '2025.1',
    });
    expect(month.attainment).toBeCloseTo(Math.min(1, before.value! / 0.6), 12);
    // A week has fewer than 20 samples: reported, no longer scored.
    const week = [...store.indicators.values()].find(
      (e) => e.indicator.kpi === 'm1.instant_share' && e.indicator.grain === 'week',
    )!.indicator;
    expect(week).toMatchObject({ scored: false, attainment: null, catalogueVersion: '2025.1' });
    // Every indicator and score now carries the new version.
    expect([...store.indicators.values()].every((e) => e.indicator.catalogueVersion === '2025.1')).toBe(true);
    expect([...store.scores.values()].every((s) => s.message.catalogueVersion === '2025.1')).toBe(true);
    // Running it again changes nothing.
    const again = await new RecomputeUseCase(store, upgraded(), ports, 50).execute();
    expect({ indicators: again.indicatorsChanged, scores: again.scoresChanged }).toEqual({ indicators: 0, scores: 0 });
  });

  it('restamps a window whose samples have all left, which no case plans any more', async () => {
    const permit = (id: string, type: string, time: string, data: Record<string, string>): CanonicalEvent =>
      ({
        specversion: '1.0',
        id,
        source: 'urn:q',
        type,
        time,
        port: 'CNHGS',
        datacontenttype: 'application/json',
        data,
      }) as CanonicalEvent;
    const applied = permit('a', 'sw.permit.applied.v1', '2026-11-02T02:00:00.000Z', {
      permitId: 'P',
      kind: 'food',
      channel: 'electronic',
    });
    const late = permit('d-late', 'sw.permit.decided.v1', '2026-11-03T04:00:00.000Z', {
      permitId: 'P',
      kind: 'food',
      decision: 'approved',
    });
    const early = permit('d-early', 'sw.permit.decided.v1', '2026-11-02T02:30:00.000Z', {
      permitId: 'P',
      kind: 'food',
      decision: 'approved',
    });
    const store = await scoreInBatches([[applied, late], [early]]);
    // CNHGS keeps UTC+6: the decision moved from 3 to 2 November, leaving the 3rd's window empty.
    const emptied = store.indicator('CNHGS', 'm1.instant_share', 'day', '2026-11-03T00:00:00+06:00')!;
    expect(emptied).toMatchObject({ samples: 0, value: null, catalogueVersion: data.version });

    await new RecomputeUseCase(store, upgraded(), ports, 50).execute();
    expect(store.indicator('CNHGS', 'm1.instant_share', 'day', '2026-11-03T00:00:00+06:00')).toMatchObject({
      samples: 0,
      value: null,
      target: 0.6,
      catalogueVersion: '2025.1',
    });
    expect([...store.indicators.values()].every((e) => e.indicator.catalogueVersion === '2025.1')).toBe(true);
  });
});
