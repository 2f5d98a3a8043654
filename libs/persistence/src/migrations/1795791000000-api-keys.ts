import type { MigrationInterface, QueryRunner } from 'typeorm';

/** API keys: only a SHA-256 hash of the secret is stored. */
export class ApiKeys1795791000000 implements MigrationInterface {
  name = 'ApiKeys1795791000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE api_key (
        id text NOT NULL,
        secret_hash text NOT NULL,
        role text NOT NULL,
        label text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        CONSTRAINT pk_api_key PRIMARY KEY (id),
        CONSTRAINT ck_api_key_role CHECK (role IN ('admin', 'agency') OR role ~ '^port:[A-Z0-9]{2,10}$')
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE api_key`);
  }
}
