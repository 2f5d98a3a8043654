import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Drops the index of stored events by port, type and time: no query reads events that way (the
 * API and the scorer read cases, samples and windows), and keeping it cost one more random B-tree
 * insert, with its WAL, for every event stored. Events stay reachable by their key.
 */
export class EventIndex1795797000000 implements MigrationInterface {
  name = 'EventIndex1795797000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS ix_event_port_type_time`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX ix_event_port_type_time ON event (port, type, time)`);
  }
}
