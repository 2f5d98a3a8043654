import type { PortscoreConfig } from '@portscore/config';
import { migrate } from '@portscore/persistence';

import { ExitStatus } from '../exit-status';

export const MIGRATE_HELP = `Usage: portscore migrate

Creates the database of DATABASE_URL if it does not exist and applies the pending migrations
(services also apply them at start-up). Exit status: 0 done; 70 the database could not be
reached or a migration failed; 78 configuration problem.`;

export async function migrateCommand(config: PortscoreConfig): Promise<number> {
  const applied = await migrate(config.databaseUrl);
  console.log(applied.length ? `applied ${applied.join(', ')}` : 'database is up to date');
  return ExitStatus.Ok;
}
