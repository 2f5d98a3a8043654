import type { DataSource } from 'typeorm';

import { IndicatorEntity } from '../entities/indicator.entity';

/** Reads stored indicators for the API. */
export interface ScorecardReader {
  indicatorsOfWindow(port: string, grain: string, windowStart: Date): Promise<IndicatorEntity[]>;
}

export class PgScorecardReader implements ScorecardReader {
  constructor(private readonly dataSource: DataSource) {}

  indicatorsOfWindow(port: string, grain: string, windowStart: Date): Promise<IndicatorEntity[]> {
    return this.dataSource.getRepository(IndicatorEntity).find({
      where: { port, grain, windowStart },
      order: { measure: 'ASC', kpi: 'ASC' },
    });
  }
}
