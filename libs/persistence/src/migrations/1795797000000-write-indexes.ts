import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Drops two indexes that cost a B-tree insert (and its WAL) for every event stored but serve no
 * query:
 * - events by port, type and time: nothing reads stored events that way (the API and the scorer
 *   read cases, samples and windows);
 * - case milestones by port, case type and two attributes: the queries that look cases up by an
 *   attribute name it as a parameter (`attrs->>$3`), which an expression index cannot serve, so
 *   the planner used it only for its (port, case type) prefix — which the primary key and the
 *   window index also have.
 */
export class WriteIndexes1795797000000 implements MigrationInterface {
  name = 'WriteIndexes1795797000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS ix_event_port_type_time`);
    await queryRunner.query(`DROP INDEX IF EXISTS ix_case_milestone_attr`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX ix_event_port_type_time ON event (port, type, time)`);
    await queryRunner.query(
      `CREATE INDEX ix_case_milestone_attr ON case_milestone (port, case_type, ((attrs->>'operatorId')), ((attrs->>'enterpriseId')))`,
    );
  }
}
