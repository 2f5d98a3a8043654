import { migrate } from '@portscore/persistence';
import { Client } from 'pg';

import { e2eEnvironment } from '../setup/e2e-environment';

/**
 * The URL of a database of its own for one test file, `<e2e database>_<suffix>`: dropped if a
 * run before left it, then created and migrated.
 */
export async function migratedScratchDatabase(suffix: string): Promise<string> {
  const server = new URL(e2eEnvironment().databaseUrl);
  const name = `${server.pathname.slice(1)}_${suffix}`;
  const admin = new URL(server.toString());
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await client.end();
  server.pathname = `/${name}`;
  await migrate(server.toString());
  return server.toString();
}
