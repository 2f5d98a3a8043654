import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox as a queue of its own: a changed indicator or score appends a row naming it, and the
 * publisher sends the stored value and deletes the row. Flagging the indicator and score rows
 * instead meant a second update of each (never a cheap in-place one, since the flag was indexed)
 * and lock waits between publisher and scorers.
 */
export class OutboxTable1795796000000 implements MigrationInterface {
  name = 'OutboxTable1795796000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE outbox (
        id bigserial NOT NULL,
        kind text NOT NULL,
        port text NOT NULL,
        kpi text,
        measure smallint,
        grain text NOT NULL,
        window_start timestamptz NOT NULL,
        CONSTRAINT pk_outbox PRIMARY KEY (id),
        CONSTRAINT ck_outbox_kind CHECK (kind IN ('indicator', 'score'))
      )`);
    // What was pending stays pending.
    await queryRunner.query(`
      INSERT INTO outbox (kind, port, kpi, grain, window_start)
      SELECT 'indicator', port, kpi, grain, window_start FROM indicator WHERE published_at IS NULL ORDER BY computed_at`);
    await queryRunner.query(`
      INSERT INTO outbox (kind, port, measure, grain, window_start)
      SELECT 'score', port, measure, grain, window_start FROM score WHERE published_at IS NULL ORDER BY computed_at`);
    await queryRunner.query(`DROP INDEX ix_indicator_unpublished`);
    await queryRunner.query(`DROP INDEX ix_score_unpublished`);
    await queryRunner.query(`ALTER TABLE indicator DROP COLUMN published_at`);
    await queryRunner.query(`ALTER TABLE score DROP COLUMN published_at`);
    // Room on each page for in-place (HOT) updates: no indexed column changes when a value does.
    await queryRunner.query(`ALTER TABLE indicator SET (fillfactor = 80)`);
    await queryRunner.query(`ALTER TABLE score SET (fillfactor = 80)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE indicator ADD COLUMN published_at timestamptz`);
    await queryRunner.query(`ALTER TABLE score ADD COLUMN published_at timestamptz`);
    await queryRunner.query(`UPDATE indicator SET published_at = now()`);
    await queryRunner.query(`UPDATE score SET published_at = now()`);
    await queryRunner.query(`
      UPDATE indicator i SET published_at = NULL FROM outbox o
       WHERE o.kind = 'indicator' AND (i.port, i.kpi, i.grain, i.window_start) = (o.port, o.kpi, o.grain, o.window_start)`);
    await queryRunner.query(`
      UPDATE score s SET published_at = NULL FROM outbox o
       WHERE o.kind = 'score' AND (s.port, s.measure, s.grain, s.window_start) = (o.port, o.measure, o.grain, o.window_start)`);
    await queryRunner.query(
      `CREATE INDEX ix_indicator_unpublished ON indicator (computed_at) WHERE published_at IS NULL`,
    );
    await queryRunner.query(`CREATE INDEX ix_score_unpublished ON score (computed_at) WHERE published_at IS NULL`);
    await queryRunner.query(`DROP TABLE outbox`);
  }
}
