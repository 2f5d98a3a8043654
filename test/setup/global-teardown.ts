import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { Client } from 'pg';

import { e2eEnvironment, ROOT } from './e2e-environment';
import { kafkaEnv } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const environment = e2eEnvironment();
  if (environment.startedKafka) {
    spawnSync(join(ROOT, 'deploy/kafka/kafka.sh'), ['stop'], { env: { ...process.env, ...kafkaEnv() }, stdio: 'inherit' });
  }
  const url = new URL(environment.databaseUrl);
  const database = url.pathname.slice(1);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await client.end();
  if (environment.embeddedPostgresPid) process.kill(environment.embeddedPostgresPid, 'SIGTERM');
}
