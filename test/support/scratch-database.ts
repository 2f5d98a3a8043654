import { dropDatabase, migrate, withDatabase } from '@portscore/persistence';

import { e2eEnvironment } from '../setup/e2e-environment';

/**
 * The URL of a database of its own for one test file, `<e2e database>_<suffix>`: dropped if a
 * run before left it, then created and migrated.
 */
export async function migratedScratchDatabase(suffix: string): Promise<string> {
  const server = e2eEnvironment().databaseUrl;
  const url = withDatabase(server, `${new URL(server).pathname.slice(1)}_${suffix}`);
  await dropDatabase(url);
  await migrate(url);
  return url;
}
