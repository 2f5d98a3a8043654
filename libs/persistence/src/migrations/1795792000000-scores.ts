import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Measure scores and port indices per window (measure 0 = the port index), with an outbox column. */
export class Scores1795792000000 implements MigrationInterface {
  name = 'Scores1795792000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE score (
        port text NOT NULL,
        measure smallint NOT NULL,
        grain text NOT NULL,
        window_start timestamptz NOT NULL,
        window_end timestamptz NOT NULL,
        window_start_text text NOT NULL,
        window_end_text text NOT NULL,
        score double precision,
        basis text NOT NULL,
        coverage double precision,
        catalogue_version text NOT NULL,
        computed_at timestamptz NOT NULL,
        published_at timestamptz,
        CONSTRAINT pk_score PRIMARY KEY (port, measure, grain, window_start),
        CONSTRAINT ck_score_measure CHECK (measure BETWEEN 0 AND 29),
        CONSTRAINT ck_score_grain CHECK (grain IN ('day', 'week', 'month'))
      )`);
    await queryRunner.query(`CREATE INDEX ix_score_unpublished ON score (computed_at) WHERE published_at IS NULL`);
    await queryRunner.query(`CREATE INDEX ix_score_port_window_end ON score (port, window_end) WHERE measure = 0`);
    await queryRunner.query(`CREATE INDEX ix_score_ranking ON score (grain, window_start, measure)`);
    await queryRunner.query(
      `CREATE INDEX ix_case_milestone_attr ON case_milestone (port, case_type, ((attrs->>'operatorId')), ((attrs->>'enterpriseId')))`,
    );
    await queryRunner.query(`
      CREATE TABLE catalogue_version (
        version text NOT NULL,
        data jsonb NOT NULL,
        activated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_catalogue_version PRIMARY KEY (version)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE catalogue_version`);
    await queryRunner.query(`DROP INDEX ix_case_milestone_attr`);
    await queryRunner.query(`DROP TABLE score`);
  }
}
