import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each outbox entry carries a copy of the value it publishes, written with the indicator or
 * score in the same statement, so a page of the queue is read without looking each value up
 * again (one lateral primary-key lookup per entry was the most expensive statement at 2,000
 * filings/s). Entries queued before this have no copy (computed_at is null); the publisher still
 * looks theirs up.
 */
export class OutboxValues1795798000000 implements MigrationInterface {
  name = 'OutboxValues1795798000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE outbox
        ADD COLUMN window_start_text text,
        ADD COLUMN window_end_text text,
        ADD COLUMN value float8,
        ADD COLUMN samples int,
        ADD COLUMN target float8,
        ADD COLUMN attainment float8,
        ADD COLUMN scored boolean,
        ADD COLUMN score float8,
        ADD COLUMN coverage float8,
        ADD COLUMN catalogue_version text,
        ADD COLUMN computed_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // The entries still name their indicator or score: the older publisher sends the stored value.
    await queryRunner.query(`
      ALTER TABLE outbox
        DROP COLUMN window_start_text, DROP COLUMN window_end_text, DROP COLUMN value, DROP COLUMN samples,
        DROP COLUMN target, DROP COLUMN attainment, DROP COLUMN scored, DROP COLUMN score, DROP COLUMN coverage,
        DROP COLUMN catalogue_version, DROP COLUMN computed_at`);
  }
}
