import { dataSourceOptions } from '@portscore/persistence';
import { DataSource } from 'typeorm';

import { migratedScratchDatabase } from './support/scratch-database';

/**
 * The key columns compared byte by byte, on the real PostgreSQL: which columns, that the lookups
 * of each batch still go through their indexes (a comparison whose collation differs from an
 * index's cannot use it), and that the migration keeps the rows both ways.
 */
describe('key collation (real PostgreSQL)', () => {
  let database: DataSource;

  beforeAll(async () => {
    const url = await migratedScratchDatabase('collation');
    database = await new DataSource(dataSourceOptions(url)).initialize();
  });

  afterAll(async () => {
    await database?.destroy();
  });

  /** Each text column of the hot tables, with its collation where it is not the database's. */
  async function collations(): Promise<string[]> {
    const rows: Array<{ column: string }> = await database.query(
      `SELECT table_name || '.' || column_name || coalesce(' ' || collation_name, '') AS column
         FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type = 'text'
          AND table_name IN ('event', 'case_milestone', 'kpi_sample', 'kpi_day', 'indicator', 'score')
        ORDER BY table_name, ordinal_position`,
    );
    return rows.map((row) => row.column);
  }

  it('compares the key columns of events, milestones, samples, indicators and scores byte by byte', async () => {
    expect(await collations()).toEqual([
      'case_milestone.port C',
      'case_milestone.case_type C',
      'case_milestone.case_id C',
      'case_milestone.milestone C',
      'case_milestone.event_key C',
      'event.source C',
      'event.id C',
      'event.type',
      'event.port',
      'event.subject',
      'event.digest',
      'indicator.port C',
      'indicator.kpi C',
      'indicator.grain C',
      'indicator.window_start_text',
      'indicator.window_end_text',
      'indicator.catalogue_version',
      'kpi_day.port C',
      'kpi_day.kpi C',
      'kpi_sample.port C',
      'kpi_sample.kpi C',
      'kpi_sample.case_id C',
      'kpi_sample.grp',
      'score.port C',
      'score.grain C',
      'score.window_start_text',
      'score.window_end_text',
      'score.basis',
      'score.catalogue_version',
    ]);
  });

  it('still looks up cases, samples and indicators through their keys, with parameters of the default collation', async () => {
    // The shapes of the scorer's lookups; without sequential scans a plan that cannot use the
    // index would still show one, at a prohibitive cost.
    const lookups: Array<[string, unknown[], RegExp]> = [
      [
        `SELECT m.* FROM case_milestone m
           JOIN (SELECT DISTINCT * FROM json_to_recordset($1::json) AS x(port text, case_type text, case_id text)) r
             ON m.port = r.port AND m.case_type = r.case_type AND m.case_id = r.case_id`,
        [JSON.stringify([{ port: 'CNSHA', case_type: 'customs', case_id: 'C-1' }])],
        /^pk_case_milestone$/,
      ],
      [
        `SELECT * FROM kpi_sample WHERE port = $1 AND kpi = $2 AND at >= $3 AND at < $4`,
        ['CNSHA', 'm1.instant_share', '2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z'],
        /^pk_kpi_sample$/,
      ],
      [
        `SELECT * FROM indicator WHERE port = $1 AND kpi = $2 AND grain = $3 AND window_start = $4`,
        ['CNSHA', 'm1.instant_share', 'month', '2026-11-01T00:00:00Z'],
        // Either of its indexes: both begin with key columns.
        /^(pk_indicator|ix_indicator_port_grain_window)$/,
      ],
      [`SELECT * FROM event WHERE source = $1 AND id = $2`, ['port-system', 'E-1'], /^pk_event$/],
    ];
    await database.transaction(async (manager) => {
      await manager.query(`SET LOCAL enable_seqscan = off`);
      for (const [sql, parameters, index] of lookups) {
        const [{ 'QUERY PLAN': plan }] = await manager.query(`EXPLAIN (FORMAT JSON) ${sql}`, parameters);
        expect({ sql, indexes: indexNames(plan) }).toEqual({ sql, indexes: [expect.stringMatching(index)] });
      }
    });
  });

  it('keeps the rows when it is undone and done again', async () => {
    await database.query(
      `INSERT INTO case_milestone (port, case_type, case_id, milestone, at, attrs, event_key)
       VALUES ('CNSHA', 'customs', 'C-é', 'released', '2026-11-02T03:04:05Z', '{}', 'src E-1')`,
    );
    const last: Array<{ name: string }> = await database.query(
      `SELECT name FROM migrations ORDER BY timestamp DESC LIMIT 1`,
    );
    expect(last).toEqual([{ name: 'KeyCollation1795802000000' }]);

    await database.undoLastMigration({ transaction: 'each' });
    expect((await collations()).filter((column) => column.endsWith(' C'))).toEqual([]);
    await database.runMigrations({ transaction: 'each' });

    expect(await collations()).toContain('case_milestone.case_id C');
    const rows = await database.query(
      `SELECT case_id, event_key FROM case_milestone WHERE port = $1 AND case_type = $2 AND case_id = $3`,
      ['CNSHA', 'customs', 'C-é'],
    );
    expect(rows).toEqual([{ case_id: 'C-é', event_key: 'src E-1' }]);
    const invalid = await database.query(
      `SELECT indexrelid::regclass::text AS name FROM pg_index WHERE NOT indisvalid OR NOT indisready`,
    );
    expect(invalid).toEqual([]);
  });
});

/** The names of the indexes a JSON plan scans, in the order it names them. */
function indexNames(plan: unknown): string[] {
  const names: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (typeof record['Index Name'] === 'string') names.push(record['Index Name']);
      Object.values(record).forEach(visit);
    }
  };
  visit(plan);
  return names;
}
