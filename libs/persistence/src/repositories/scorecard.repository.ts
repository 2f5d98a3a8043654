import type { MeasureStatus } from '@portscore/catalogue';
import type { DataSource } from 'typeorm';

import { IndicatorEntity } from '../entities/indicator.entity';
import { statusReports } from './status-reports';

export interface StoredScore {
  /** 1–29, or 0 for the port index. */
  measure: number;
  score: number | null;
  basis: string;
  coverage: number | null;
}

/** Reads stored indicators and scores for the API. */
export interface ScorecardReader {
  indicatorsOfWindow(port: string, grain: string, windowStart: Date): Promise<IndicatorEntity[]>;
  scoresOfWindow(port: string, grain: string, windowStart: Date): Promise<StoredScore[]>;
  /** Every status report of each port. */
  statusReports(ports: string[]): Promise<Map<string, MeasureStatus[]>>;
}

export class PgScorecardReader implements ScorecardReader {
  constructor(private readonly dataSource: DataSource) {}

  indicatorsOfWindow(port: string, grain: string, windowStart: Date): Promise<IndicatorEntity[]> {
    return this.dataSource.getRepository(IndicatorEntity).find({
      where: { port, grain, windowStart },
      order: { measure: 'ASC', kpi: 'ASC' },
    });
  }

  async scoresOfWindow(port: string, grain: string, windowStart: Date): Promise<StoredScore[]> {
    const rows: StoredScore[] = await this.dataSource.query(
      `SELECT measure, score, basis, coverage FROM score WHERE port = $1 AND grain = $2 AND window_start = $3 ORDER BY measure`,
      [port, grain, windowStart.toISOString()],
    );
    return rows.map((row) => ({ ...row, measure: Number(row.measure) }));
  }

  statusReports(ports: string[]): Promise<Map<string, MeasureStatus[]>> {
    return statusReports(this.dataSource, ports);
  }
}
