import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';

import { e2eEnvironment, ROOT } from '../setup/e2e-environment';
import { kafkaEnv } from '../setup/global-setup';

/**
 * Stops and starts the real broker and database under the tests, for fault injection. Both are
 * the servers of this machine that global-setup found or started: the broker of
 * deploy/kafka/kafka.sh and the Debian PostgreSQL cluster (pg_ctlcluster).
 */
export async function restartBroker(downMs: number): Promise<void> {
  if (!e2eEnvironment().startedKafka) {
    throw new Error('restarting the broker needs the one the tests started: unset KAFKA_BROKERS');
  }
  const env = { ...process.env, ...kafkaEnv(), PORTSCORE_KAFKA_FRESH: '0' };
  await run(join(ROOT, 'deploy/kafka/kafka.sh'), ['stop'], env);
  await new Promise((resolve) => setTimeout(resolve, downMs));
  await run(join(ROOT, 'deploy/kafka/kafka.sh'), ['start'], env);
}

/** The Debian cluster serving the tests' database, as `version cluster`. */
function databaseCluster(): [string, string] {
  const port = new URL(e2eEnvironment().databaseUrl).port || '5432';
  let listing = '';
  try {
    listing = execFileSync('pg_lsclusters', ['--no-header'], { encoding: 'utf8' });
  } catch {
    throw new Error('stopping PostgreSQL needs a Debian cluster (pg_lsclusters); run the tests against one');
  }
  const line = listing
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .find((fields) => fields[2] === port);
  if (!line) throw new Error(`no PostgreSQL cluster of this machine listens on port ${port}`);
  return [line[0]!, line[1]!];
}

export async function stopDatabase(): Promise<void> {
  const [version, cluster] = databaseCluster();
  await run('pg_ctlcluster', [version, cluster, 'stop', '-m', 'fast'], process.env);
}

export async function startDatabase(): Promise<void> {
  const [version, cluster] = databaseCluster();
  await run('pg_ctlcluster', [version, cluster, 'start'], process.env);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, cwd: ROOT, timeout: 120_000 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`${command} ${args.join(' ')} failed: ${stderr || error.message}`)) : resolve(),
    );
  });
}
