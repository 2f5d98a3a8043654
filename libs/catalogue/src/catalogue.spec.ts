import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type Catalogue, MeasureCatalogue } from './catalogue';
import { KPI_RULES } from './kpi-rules';

const seeds = join(__dirname, '..', '..', '..', 'seeds');
const data = JSON.parse(readFileSync(join(seeds, 'catalogue.json'), 'utf8')) as Catalogue;
const table = readFileSync(join(seeds, '000_cacb7df7da18735c.txt'), 'utf8');

describe('seeds/catalogue.json', () => {
  const catalogue = new MeasureCatalogue(data);

  it('has all 29 measures, titles and text taken from the seed table', () => {
    expect(catalogue.measures.map((m) => m.number)).toEqual(Array.from({ length: 29 }, (_, i) => i + 1));
    for (const measure of catalogue.measures) {
      expect(table).toContain(measure.titleZh);
      expect(table).toContain(measure.textZh);
      expect(measure.titleEn.length).toBeGreaterThan(0);
    }
    expect(catalogue.measures[0]!.titleZh).toBe('进一步压缩检疫审批许可时长');
  });

  it('carries the SPEC §3 targets and minimum samples', () => {
    expect(catalogue.kpi('m1.instant_share')).toMatchObject({
      target: 0.9,
      direction: 'up',
      minSamples: 5,
      measure: 1,
    });
    expect(catalogue.kpi('m1.p90_hours')).toMatchObject({ target: 24, direction: 'down', unit: 'hours' });
    expect(catalogue.kpi('m27.advanced_upgrades')).toMatchObject({ target: 1, minSamples: 1 });
    expect(catalogue.allKpis()).toHaveLength(28);
  });

  it('has a catalogue entry for every KPI rule', () => {
    for (const rule of KPI_RULES) expect(catalogue.hasKpi(rule.kpi)).toBe(true);
  });

  it('refuses a catalogue with a measure missing', () => {
    expect(() => new MeasureCatalogue({ ...data, measures: data.measures.slice(1) })).toThrow('all 29 measures');
  });
});
