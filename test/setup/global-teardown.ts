import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { Client } from 'pg';

import { e2eEnvironment, ROOT } from './e2e-environment';
import { kafkaEnv } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const environment = e2eEnvironment();
  if (environment.startedKafka) {
    spawnSync(join(ROOT, 'deploy/kafka/kafka.sh'), ['stop'], {
      env: { ...process.env, ...kafkaEnv() },
      stdio: 'inherit',
    });
  }
  const url = new URL(environment.databaseUrl);
  const database = url.pathname.slice(1);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  // The run's database and the per-stack databases made from its name.
  const { rows } = await client.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
    [database, `${database}\_%`],
  );
  for (const row of rows) await client.query(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`);
  await client.end();
  if (environment.embeddedPostgresPid) process.kill(environment.embeddedPostgresPid, 'SIGTERM');
}
