import { loadPorts, type PortscoreConfig } from '@portscore/config';
import { dataSourceOptions, migrate, PgApiKeyStore } from '@portscore/persistence';
import { DataSource } from 'typeorm';

import { option, UsageError } from '../arguments';
import { ExitStatus } from '../exit-status';

export const KEYS_HELP = `Usage: portscore keys <create|list|revoke> …
  keys create --role admin|agency|port:<PORT> [--label TEXT]   prints the new key once; PORT is a
                                                               port of SEEDS_DIR/ports.json
  keys list                                                    ids, roles, labels, state
  keys revoke ID                                               the key stops working at once`;

export type KeysRequest =
  { action: 'create'; role: string; label: string } | { action: 'list' } | { action: 'revoke'; id: string };

/** Reads the command line of `keys`; a wrong one is a usage error, before the database is touched. */
export function keysRequest(args: string[]): KeysRequest {
  const [action, ...rest] = args;
  switch (action) {
    case 'create': {
      const role = option(rest, '--role');
      if (!role || !/^(admin|agency|port:[A-Z0-9]{2,10})$/.test(role)) {
        throw new UsageError('--role must be admin, agency or port:<PORT> (e.g. port:CNSHA)');
      }
      return { action, role, label: option(rest, '--label') ?? '' };
    }
    case 'list':
      return { action };
    case 'revoke': {
      const id = rest.find((arg) => !arg.startsWith('-'));
      if (!id) throw new UsageError('revoke needs the key id (see keys list)');
      return { action, id };
    }
    default:
      throw new UsageError(
        action ? `unknown action ${action}: create, list or revoke` : 'name an action: create, list or revoke',
      );
  }
}

/** Creates, lists and revokes API keys (only a hash of each secret is stored). */
export async function keysCommand(config: PortscoreConfig, request: KeysRequest): Promise<number> {
  if (request.action === 'create' && request.role.startsWith('port:')) {
    const port = request.role.slice('port:'.length);
    const registry = loadPorts(config.seedsDir);
    if (!registry.has(port)) {
      throw new UsageError(
        `port ${port} is not registered in SEEDS_DIR/ports.json (SEEDS_DIR=${config.seedsDir}); ` +
          `registered: ${registry.ports.map((p) => p.id).join(', ')}`,
      );
    }
  }
  await migrate(config.databaseUrl);
  const dataSource = await new DataSource(dataSourceOptions(config.databaseUrl)).initialize();
  try {
    const keys = new PgApiKeyStore(dataSource);
    switch (request.action) {
      case 'create': {
        const { key, record } = await keys.create(request.role, request.label);
        console.log(key);
        console.error(`created key ${record.id} with role ${record.role}; store it now, it is not shown again`);
        return ExitStatus.Ok;
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
        return ExitStatus.Ok;
      case 'revoke':
        if (!(await keys.revoke(request.id))) {
          console.error(`keys revoke: no active key ${request.id}`);
          return ExitStatus.Failed;
        }
        console.log(`revoked ${request.id}`);
        return ExitStatus.Ok;
    }
  } finally {
    await dataSource.destroy();
  }
}
