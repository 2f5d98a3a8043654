import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What each case contributes to each KPI, kept up to date as facts arrive, so a window's value
 * is aggregated from narrow rows instead of re-reading its cases. Cases stored before this
 * version get their samples from `portscore recompute`.
 */
export class KpiSamples1795794000000 implements MigrationInterface {
  name = 'KpiSamples1795794000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE kpi_sample (
        port text NOT NULL,
        kpi text NOT NULL,
        case_id text NOT NULL,
        at timestamptz NOT NULL,
        value float8,
        den float8 NOT NULL,
        num float8 NOT NULL,
        den2 float8 NOT NULL,
        num2 float8 NOT NULL,
        grp text,
        CONSTRAINT pk_kpi_sample PRIMARY KEY (port, kpi, case_id)
      )`);
    await queryRunner.query(`CREATE INDEX ix_kpi_sample_window ON kpi_sample (port, kpi, at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE kpi_sample`);
  }
}
