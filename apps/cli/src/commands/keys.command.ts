import type { PortscoreConfig } from '@portscore/config';
import { dataSourceOptions, migrate, PgApiKeyStore } from '@portscore/persistence';
import { DataSource } from 'typeorm';

export const KEYS_HELP = `Usage: portscore keys <create|list|revoke> …
  keys create --role admin|agency|port:<PORT> [--label TEXT]   prints the new key once
  keys list                                                    ids, roles, labels, state
  keys revoke ID                                               the key stops working at once`;

/** Creates, lists and revokes API keys (only a hash of each secret is stored). */
export async function keysCommand(config: PortscoreConfig, args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (!action || !['create', 'list', 'revoke'].includes(action)) {
    console.error(KEYS_HELP);
    return 2;
  }
  await migrate(config.databaseUrl);
  const dataSource = await new DataSource(dataSourceOptions(config.databaseUrl)).initialize();
  try {
    const keys = new PgApiKeyStore(dataSource);
    switch (action) {
      case 'create': {
        const role = option(rest, '--role');
        if (!role || !/^(admin|agency|port:[A-Z0-9]{2,10})$/.test(role)) {
          console.error('keys create: --role must be admin, agency or port:<PORT> (e.g. port:CNSHA)');
          return 2;
        }
        const { key, record } = await keys.create(role, option(rest, '--label') ?? '');
        console.log(key);
        console.error(`created key ${record.id} with role ${record.role}; store it now, it is not shown again`);
        return 0;
      }
      case 'list':
        for (const record of await keys.list()) {
          console.log(
            [
              record.id,
              record.role,
              record.revokedAt ? `revoked ${record.revokedAt.toISOString()}` : 'active',
              record.label,
            ].join('\t'),
          );
        }
        return 0;
      default: {
        const id = rest[0];
        if (!id) {
          console.error('keys revoke: name the key id (see keys list)');
          return 2;
        }
        if (!(await keys.revoke(id))) {
          console.error(`keys revoke: no active key ${id}`);
          return 1;
        }
        console.log(`revoked ${id}`);
        return 0;
      }
    }
  } finally {
    await dataSource.destroy();
  }
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}
