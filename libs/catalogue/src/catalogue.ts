/** The measure catalogue (seeds/catalogue.json): measures, their KPIs and targets, versioned. */

export type KpiDirection = 'up' | 'down';
export type KpiUnit = 'share' | 'hours' | 'ratio' | 'count';
export type StatusLevel = 'none' | 'pilot' | 'partial' | 'full';

export interface KpiDefinition {
  id: string;
  title: string;
  unit: KpiUnit;
  direction: KpiDirection;
  target: number;
  minSamples: number;
  definition: string;
}

export interface Measure {
  number: number;
  titleZh: string;
  textZh: string;
  titleEn: string;
  kpis: KpiDefinition[];
  statusTarget: StatusLevel;
}

export interface Catalogue {
  version: string;
  source: string;
  statusScale: Record<StatusLevel, number>;
  measures: Measure[];
}

export interface CatalogueKpi extends KpiDefinition {
  measure: number;
}

/** Checks the shape of catalogue data and indexes its KPIs; throws naming the bad entry. */
export class MeasureCatalogue {
  private readonly kpisById: ReadonlyMap<string, CatalogueKpi>;

  constructor(readonly data: Catalogue) {
    if (typeof data.version !== 'string' || data.version === '') throw new Error('catalogue: version is required');
    if (!Array.isArray(data.measures) || data.measures.length !== 29) {
      throw new Error('catalogue: measures must list all 29 measures');
    }
    const kpis = new Map<string, CatalogueKpi>();
    data.measures.forEach((measure, index) => {
      if (measure.number !== index + 1) throw new Error(`catalogue: measures[${index}].number must be ${index + 1}`);
      for (const kpi of measure.kpis) {
        const where = `catalogue: measure ${measure.number} KPI ${kpi.id}`;
        if (!kpi.id.startsWith(`m${measure.number}.`))
          throw new Error(`${where}: id must start with m${measure.number}.`);
        if (!(kpi.target > 0)) throw new Error(`${where}: target must be a positive number`);
        if (!Number.isInteger(kpi.minSamples) || kpi.minSamples < 1)
          throw new Error(`${where}: minSamples must be a positive integer`);
        if (kpi.direction !== 'up' && kpi.direction !== 'down')
          throw new Error(`${where}: direction must be up or down`);
        kpis.set(kpi.id, { ...kpi, measure: measure.number });
      }
    });
    this.kpisById = kpis;
  }

  get version(): string {
    return this.data.version;
  }

  get measures(): readonly Measure[] {
    return this.data.measures;
  }

  kpi(id: string): CatalogueKpi {
    const kpi = this.kpisById.get(id);
    if (!kpi) throw new Error(`catalogue ${this.version} has no KPI ${id}`);
    return kpi;
  }

  hasKpi(id: string): boolean {
    return this.kpisById.has(id);
  }

  allKpis(): CatalogueKpi[] {
    return [...this.kpisById.values()];
  }
}
