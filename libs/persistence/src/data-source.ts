import { Client } from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';

import { EventEntity } from './entities/event.entity';
import { IndicatorEntity } from './entities/indicator.entity';
import { InitialSchema1795788937408 } from './migrations/1795788937408-initial-schema';
import { IngestAccounting1795790000000 } from './migrations/1795790000000-ingest-accounting';
import { ApiKeys1795791000000 } from './migrations/1795791000000-api-keys';
import { Scores1795792000000 } from './migrations/1795792000000-scores';
import { DeadLetters1795793000000 } from './migrations/1795793000000-dead-letters';
import { KpiSamples1795794000000 } from './migrations/1795794000000-kpi-samples';
import { KpiDays1795795000000 } from './migrations/1795795000000-kpi-days';
import { OutboxTable1795796000000 } from './migrations/1795796000000-outbox-table';
import { OutboxValues1795798000000 } from './migrations/1795798000000-outbox-values';
import { WriteIndexes1795797000000 } from './migrations/1795797000000-write-indexes';
import { AcceptedEvents1795799000000 } from './migrations/1795799000000-accepted-events';
import { SampleKey1795800000000 } from './migrations/1795800000000-sample-key';
import { OutboxText1795801000000 } from './migrations/1795801000000-outbox-text';
import { KeyCollation1795802000000 } from './migrations/1795802000000-key-collation';
import { withDatabase } from './local-database';

export const ENTITIES = [EventEntity, IndicatorEntity];
export const MIGRATIONS = [
  InitialSchema1795788937408,
  IngestAccounting1795790000000,
  ApiKeys1795791000000,
  Scores1795792000000,
  DeadLetters1795793000000,
  KpiSamples1795794000000,
  KpiDays1795795000000,
  OutboxTable1795796000000,
  WriteIndexes1795797000000,
  OutboxValues1795798000000,
  AcceptedEvents1795799000000,
  SampleKey1795800000000,
  OutboxText1795801000000,
  KeyCollation1795802000000,
];

/**
 * PARALLEL: Portscore's connections run without parallel workers. Each statement reads or writes
 * a batch's rows through an index, and starting a worker costs more than it can save: with one,
 * the outbox page took a median of 94 ms, where the scan itself took about 1 ms (docs/benchmarks.md).
 */
const SESSION_OPTIONS = '-c max_parallel_workers_per_gather=0';

export function dataSourceOptions(databaseUrl: string): DataSourceOptions {
  // The driver lets an `options` parameter of the URL replace the one given beside it; taken out
  // of the URL and put after ours, it still applies, and wins where both set the same thing.
  const url = new URL(databaseUrl);
  const own = url.searchParams.get('options');
  url.searchParams.delete('options');
  return {
    type: 'postgres',
    url: own === null ? databaseUrl : url.toString(),
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    extra: { max: 8, application_name: 'portscore', options: own ? `${SESSION_OPTIONS} ${own}` : SESSION_OPTIONS },
  };
}

/** The database the URL names, and a client of the same server's `postgres` database (not connected). */
function administered(databaseUrl: string): { name: string; quoted: string; admin: Client } {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL names no database');
  return {
    name,
    quoted: `"${name.replace(/"/g, '""')}"`,
    admin: new Client({ connectionString: withDatabase(databaseUrl, 'postgres') }),
  };
}

/** Creates the database named in the URL when the server does not have it yet. */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const { name, quoted, admin: client } = administered(databaseUrl);
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${quoted}`);
    }
  } catch (error) {
    // Another process may have created it between the check and the create.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await client.end();
  }
}

/** Drops the database named in the URL, if the server has it, ending its connections first. */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const { quoted, admin: client } = administered(databaseUrl);
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

const MIGRATION_LOCK = 7_743_001;

/**
 * Creates the database if needed and applies pending migrations; returns their names. Services
 * may start together, so an advisory lock lets one of them migrate while the others wait.
 */
export async function migrate(databaseUrl: string): Promise<string[]> {
  await ensureDatabase(databaseUrl);
  const lock = new Client({ connectionString: databaseUrl });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const dataSource = new DataSource(dataSourceOptions(databaseUrl));
    await dataSource.initialize();
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await lock.end();
  }
}
