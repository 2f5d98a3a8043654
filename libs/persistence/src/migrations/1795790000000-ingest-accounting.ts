import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Ingest counters and the offsets the gateway has processed, written in one transaction. */
export class IngestAccounting1795790000000 implements MigrationInterface {
  name = 'IngestAccounting1795790000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE ingest_count (
        outcome text NOT NULL,
        reason text NOT NULL DEFAULT '',
        count bigint NOT NULL,
        CONSTRAINT pk_ingest_count PRIMARY KEY (outcome, reason),
        CONSTRAINT ck_ingest_count_outcome CHECK (outcome IN ('accepted', 'duplicate', 'rejected'))
      )`);
    await queryRunner.query(`
      CREATE TABLE consumer_offset (
        group_id text NOT NULL,
        topic text NOT NULL,
        partition integer NOT NULL,
        next_offset bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_consumer_offset PRIMARY KEY (group_id, topic, partition)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE consumer_offset`);
    await queryRunner.query(`DROP TABLE ingest_count`);
  }
}
