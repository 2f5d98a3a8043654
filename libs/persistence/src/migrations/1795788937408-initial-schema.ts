import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795788937408 implements MigrationInterface {
  name = 'InitialSchema1795788937408';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE filing_receipt (
        source text NOT NULL,
        id text NOT NULL,
        digest text NOT NULL,
        port text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_filing_receipt PRIMARY KEY (source, id)
      )`);
    await queryRunner.query(`
      CREATE TABLE event (
        source text NOT NULL,
        id text NOT NULL,
        type text NOT NULL,
        port text NOT NULL,
        time timestamptz NOT NULL,
        subject text,
        data jsonb NOT NULL,
        ingested_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_event PRIMARY KEY (source, id)
      )`);
    await queryRunner.query(`CREATE INDEX ix_event_port_type_time ON event (port, type, time)`);
    await queryRunner.query(`
      CREATE TABLE case_milestone (
        port text NOT NULL,
        case_type text NOT NULL,
        case_id text NOT NULL,
        milestone text NOT NULL,
        at timestamptz NOT NULL,
        attrs jsonb NOT NULL,
        event_key text NOT NULL,
        CONSTRAINT pk_case_milestone PRIMARY KEY (port, case_type, case_id, milestone)
      )`);
    await queryRunner.query(`CREATE INDEX ix_case_milestone_window ON case_milestone (port, case_type, milestone, at)`);
    await queryRunner.query(`
      CREATE TABLE indicator (
        port text NOT NULL,
        kpi text NOT NULL,
        grain text NOT NULL,
        window_start timestamptz NOT NULL,
        window_end timestamptz NOT NULL,
        window_start_text text NOT NULL,
        window_end_text text NOT NULL,
        measure smallint NOT NULL,
        value double precision,
        samples integer NOT NULL,
        target double precision NOT NULL,
        attainment double precision,
        scored boolean NOT NULL,
        catalogue_version text NOT NULL,
        computed_at timestamptz NOT NULL,
        published_at timestamptz,
        CONSTRAINT pk_indicator PRIMARY KEY (port, kpi, grain, window_start),
        CONSTRAINT ck_indicator_grain CHECK (grain IN ('day', 'week', 'month'))
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_indicator_unpublished ON indicator (computed_at) WHERE published_at IS NULL`,
    );
    await queryRunner.query(`CREATE INDEX ix_indicator_port_grain_window ON indicator (port, grain, window_start)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE indicator`);
    await queryRunner.query(`DROP TABLE case_milestone`);
    await queryRunner.query(`DROP TABLE event`);
    await queryRunner.query(`DROP TABLE filing_receipt`);
  }
}
