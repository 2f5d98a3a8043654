import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per accepted filing instead of two: the gateway stores the accepted canonical event,
 * with the digest of its content, in the insert that claims its (source, id) — where it wrote a
 * receipt before, and the scorer a copy of the event with the same key later. The receipts move
 * into `event`:
 * - a stored event gets the digest of its receipt;
 * - a receipt without an event (accepted, and not yet scored at the upgrade) becomes an event row
 *   without type, time and data — they are on the events topic, which the scorer still reads —
 *   so a repeat of it is still told apart from a conflict;
 * - an event without a receipt (published to the events topic directly) keeps a null digest, and
 *   a filing with its key is then a conflict.
 */
export class AcceptedEvents1795799000000 implements MigrationInterface {
  name = 'AcceptedEvents1795799000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE event
        ADD COLUMN digest text,
        ALTER COLUMN type DROP NOT NULL,
        ALTER COLUMN time DROP NOT NULL,
        ALTER COLUMN data DROP NOT NULL`);
    await queryRunner.query(`
      UPDATE event e SET digest = r.digest FROM filing_receipt r WHERE r.source = e.source AND r.id = e.id`);
    await queryRunner.query(`
      INSERT INTO event (source, id, port, digest, ingested_at)
      SELECT r.source, r.id, r.port, r.digest, r.received_at FROM filing_receipt r
       WHERE NOT EXISTS (SELECT 1 FROM event e WHERE e.source = r.source AND e.id = r.id)`);
    await queryRunner.query(`DROP TABLE filing_receipt`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
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
      INSERT INTO filing_receipt (source, id, digest, port, received_at)
      SELECT source, id, digest, port, ingested_at FROM event WHERE digest IS NOT NULL`);
    // The older scorer stores each event it scores: one not scored yet gets its row then.
    await queryRunner.query(`DELETE FROM event WHERE data IS NULL`);
    await queryRunner.query(`
      ALTER TABLE event
        DROP COLUMN digest,
        ALTER COLUMN type SET NOT NULL,
        ALTER COLUMN time SET NOT NULL,
        ALTER COLUMN data SET NOT NULL`);
  }
}
