import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each outbox entry carries the message it publishes, written with the indicator or score in
 * the same statement, so a page of the queue is read without looking each value up again (one
 * lateral primary-key lookup per entry was the most expensive statement at 2,000 filings/s).
 * Entries queued before this have no message; the publisher still looks theirs up.
 */
export class OutboxMessages1795798000000 implements MigrationInterface {
  name = 'OutboxMessages1795798000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE outbox ADD COLUMN message json`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // The entries still name their indicator or score: the older publisher sends the stored value.
    await queryRunner.query(`ALTER TABLE outbox DROP COLUMN message`);
  }
}
