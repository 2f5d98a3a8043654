import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sums of each KPI's samples per local day, kept with the day's indicator: week and month
 * windows add up at most 31 of these rows instead of every sample of the month. Rebuilt with the
 * samples by `portscore recompute`.
 */
export class KpiDays1795795000000 implements MigrationInterface {
  name = 'KpiDays1795795000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE kpi_day (
        port text NOT NULL,
        kpi text NOT NULL,
        day_start timestamptz NOT NULL,
        count integer NOT NULL,
        den float8 NOT NULL,
        num float8 NOT NULL,
        den2 float8 NOT NULL,
        num2 float8 NOT NULL,
        valued integer NOT NULL,
        CONSTRAINT pk_kpi_day PRIMARY KEY (port, kpi, day_start)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE kpi_day`);
  }
}
