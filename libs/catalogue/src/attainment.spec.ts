import { attainment, measureScoreFromKpis, scoreKpi } from './attainment';
import type { CatalogueKpi } from './catalogue';

const share: CatalogueKpi = {
  id: 'm1.instant_share',
  measure: 1,
  title: '',
  unit: 'share',
  direction: 'up',
  target: 0.9,
  minSamples: 5,
  definition: '',
};

describe('attainment', () => {
  it('caps upward KPIs at 1 and scales below target', () => {
    expect(attainment(0.45, 0.9, 'up')).toBeCloseTo(0.5, 12);
    expect(attainment(0.95, 0.9, 'up')).toBe(1);
  });

  it('gives downward KPIs full attainment at or under target, target/value above', () => {
    expect(attainment(24, 24, 'down')).toBe(1);
    expect(attainment(48, 24, 'down')).toBe(0.5);
  });

  it('reports but does not score a KPI below its minimum samples', () => {
    expect(scoreKpi(share, { value: 1, samples: 4 })).toEqual({
      value: 1,
      samples: 4,
      target: 0.9,
      scored: false,
      attainment: null,
    });
    expect(scoreKpi(share, { value: 0.45, samples: 5 }).attainment).toBeCloseTo(0.5, 12);
  });

  it('scores a measure as 100 × mean attainment of its scored KPIs, null with none', () => {
    const scored = { value: 1, samples: 5, target: 1, scored: true, attainment: 0.5 };
    const unscored = { value: 1, samples: 1, target: 1, scored: false, attainment: null };
    expect(measureScoreFromKpis([scored, { ...scored, attainment: 1 }, unscored])).toBe(75);
    expect(measureScoreFromKpis([unscored])).toBeNull();
    // A KPI with no indicator in the window is skipped, like an unscored one.
    expect(measureScoreFromKpis([undefined, scored, undefined, { ...scored, attainment: 0.25 }])).toBe(37.5);
    expect(measureScoreFromKpis([undefined])).toBeNull();
  });
});
