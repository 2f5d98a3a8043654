import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One B-tree per KPI sample instead of two: the key becomes (port, kpi, at, case_id), which also
 * serves the window range scans (port, kpi, at) that had an index of their own. A case's sample
 * moves only when its completing milestone moves earlier (a late, earlier event); the scorer then
 * removes the sample at the old time itself, knowing the case as it was before the batch.
 */
export class SampleKey1795800000000 implements MigrationInterface {
  name = 'SampleKey1795800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE kpi_sample DROP CONSTRAINT pk_kpi_sample`);
    await queryRunner.query(`DROP INDEX ix_kpi_sample_window`);
    await queryRunner.query(`ALTER TABLE kpi_sample ADD CONSTRAINT pk_kpi_sample PRIMARY KEY (port, kpi, at, case_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE kpi_sample DROP CONSTRAINT pk_kpi_sample`);
    await queryRunner.query(`ALTER TABLE kpi_sample ADD CONSTRAINT pk_kpi_sample PRIMARY KEY (port, kpi, case_id)`);
    await queryRunner.query(`CREATE INDEX ix_kpi_sample_window ON kpi_sample (port, kpi, at)`);
  }
}
