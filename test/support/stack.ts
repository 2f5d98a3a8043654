import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { e2eEnvironment, ROOT } from '../setup/e2e-environment';

export interface RunningStack {
  api: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts the built gateway, scorer and API as separate processes, exactly as deployed, against
 * the broker and database of global-setup. Their output goes to test-artifacts/logs/.
 */
export async function startStack(name: string, apiPort: number): Promise<RunningStack> {
  const environment = e2eEnvironment();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    KAFKA_BROKERS: environment.kafkaBrokers,
    DATABASE_URL: environment.databaseUrl,
    API_PORT: String(apiPort),
    KAFKA_CLIENT_ID: `portscore-${name}`,
    NO_COLOR: '1',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
  };
  const logs = join(ROOT, 'test-artifacts', 'logs');
  mkdirSync(logs, { recursive: true });
  const children: ChildProcess[] = ['gateway', 'scorer', 'api'].map((service) => {
    const child = spawn(
      process.execPath,
      ['-r', join(ROOT, 'bin/register-paths.js'), join(ROOT, `dist/apps/${service}/src/main.js`)],
      { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const log = createWriteStream(join(logs, `${name}-${service}.log`));
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    return child;
  });
  const api = `http://127.0.0.1:${apiPort}`;
  await waitUntil(`${api}/health answers`, 60_000, async () => (await fetch(`${api}/health`).catch(() => undefined))?.ok === true);
  return {
    api,
    env,
    stop: async () => {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
              setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
            }),
        ),
      );
    },
  };
}

export async function waitUntil(what: string, timeoutMs: number, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
}
