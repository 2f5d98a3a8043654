import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Dead letters, recorded with the batch that refused them, for browsing through the API. */
export class DeadLetters1795793000000 implements MigrationInterface {
  name = 'DeadLetters1795793000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE dead_letter (
        id bigserial NOT NULL,
        reason text NOT NULL,
        detail text NOT NULL,
        origin text NOT NULL,
        port text,
        source text,
        event_id text,
        content_type text,
        size integer NOT NULL,
        preview text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_dead_letter PRIMARY KEY (id)
      )`);
    await queryRunner.query(`CREATE INDEX ix_dead_letter_reason ON dead_letter (reason, id)`);
    await queryRunner.query(`CREATE INDEX ix_dead_letter_port ON dead_letter (port, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE dead_letter`);
  }
}
