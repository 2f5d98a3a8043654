import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The text columns of the keys written and looked up on every event compare byte by byte
 * (`COLLATE "C"`). Under any other collation, `C.UTF-8` included, PostgreSQL 15 compares two
 * texts through the C library's `strcoll`, and each insert into a B-tree and each lookup in one
 * makes a dozen such comparisons: measured apart, an index probe of a case's milestones took a
 * quarter less time and inserting milestones about a tenth less (docs/benchmarks.md).
 *
 * These are codes and identifiers, whose order means nothing to a reader; byte order of UTF-8 is
 * code point order, the order the scorer already compares event keys in (`reportedBefore`, and
 * the upsert of a milestone, which said `COLLATE "C"` itself). Changing a column's collation
 * rewrites no rows, only the indexes that hold it.
 */
export const KEY_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  event: ['source', 'id'],
  case_milestone: ['port', 'case_type', 'case_id', 'milestone', 'event_key'],
  kpi_sample: ['port', 'kpi', 'case_id'],
  kpi_day: ['port', 'kpi'],
  indicator: ['port', 'kpi', 'grain'],
  score: ['port', 'grain'],
};

export class KeyCollation1795802000000 implements MigrationInterface {
  name = 'KeyCollation1795802000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await collate(queryRunner, '"C"');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await collate(queryRunner, 'pg_catalog."default"');
  }
}

/** One ALTER TABLE a table, so that each of its indexes is rebuilt once. */
async function collate(queryRunner: QueryRunner, collation: string): Promise<void> {
  for (const [table, columns] of Object.entries(KEY_COLUMNS)) {
    const changes = columns.map((column) => `ALTER COLUMN ${column} TYPE text COLLATE ${collation}`);
    await queryRunner.query(`ALTER TABLE ${table} ${changes.join(', ')}`);
  }
}
