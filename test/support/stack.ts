import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { type ServiceName, serviceArguments } from '@portscore/config';
import { KafkaBus } from '@portscore/messaging';
import { dropDatabase, ensureDatabase, withDatabase } from '@portscore/persistence';

import { e2eEnvironment, ROOT } from '../setup/e2e-environment';

export interface StackTopics {
  filings: string;
  events: string;
  deadLetters: string;
  indicators: string;
  scores: string;
}

/** A service of the stack, as `serviceArguments` starts it. */
export type Service = ServiceName;

export interface RunningStack {
  api: string;
  env: Record<string, string>;
  topics: StackTopics;
  databaseUrl: string;
  brokers: string;
  /** A key with role admin, made with `portscore keys create`. */
  adminKey: string;
  createKey(role: string): string;
  /** Runs the CLI against this stack; returns stdout. */
  cli(args: string[]): string;
  /** HTTP base URLs of every service (health, readiness, metrics). */
  http: Record<Service, string>;
  /** The service processes, by name. */
  processes: Record<Service, ChildProcess>;
  /** Starts a service (again, after it was killed): replaces its entry in `processes`. */
  launch(service: Service): ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts the built gateway, scorer and API as separate processes, exactly as deployed, against
 * the broker of global-setup. Each stack gets its own database and topics (suffixed with its
 * name), so test files never see each other's data. Service output: test-artifacts/logs/.
 */
export async function startStack(
  name: string,
  apiPort: number,
  extraEnv: Record<string, string> = {},
): Promise<RunningStack> {
  const environment = e2eEnvironment();
  const databaseUrl = await createDatabase(environment.databaseUrl, name);
  const topics: StackTopics = {
    filings: `sw.filings.v1.${name}`,
    events: `sw.events.v1.${name}`,
    deadLetters: `sw.filings.dlq.v1.${name}`,
    indicators: `sw.indicators.v1.${name}`,
    scores: `sw.scores.v1.${name}`,
  };
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    KAFKA_BROKERS: environment.kafkaBrokers,
    DATABASE_URL: databaseUrl,
    API_PORT: String(apiPort),
    GATEWAY_HTTP_PORT: String(apiPort + 1000),
    SCORER_HTTP_PORT: String(apiPort + 2000),
    KAFKA_CLIENT_ID: `portscore-${name}`,
    TOPIC_FILINGS: topics.filings,
    TOPIC_EVENTS: topics.events,
    TOPIC_DEAD_LETTERS: topics.deadLetters,
    TOPIC_INDICATORS: topics.indicators,
    TOPIC_SCORES: topics.scores,
    NO_COLOR: '1',
    ...extraEnv,
  };
  const cli = (args: string[]) =>
    execFileSync(process.execPath, [join(ROOT, 'bin/portscore.js'), ...args], {
      env,
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  cli(['migrate']);
  const logs = join(ROOT, 'test-artifacts', 'logs');
  mkdirSync(logs, { recursive: true });
  const processes = {} as Record<Service, ChildProcess>;
  const launch = (service: Service): ChildProcess => {
    const child = spawn(process.execPath, serviceArguments(service, ROOT), {
      env,
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(join(logs, `${name}-${service}.log`), { flags: 'a' });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    processes[service] = child;
    return child;
  };
  for (const service of ['gateway', 'scorer', 'api'] as const) launch(service);
  const api = `http://127.0.0.1:${apiPort}`;
  try {
    for (const url of [api, `http://127.0.0.1:${apiPort + 1000}`, `http://127.0.0.1:${apiPort + 2000}`]) {
      await waitUntil(
        `${url}/ready answers (service logs: test-artifacts/logs/${name}-*.log)`,
        60_000,
        async () => (await fetch(`${url}/ready`).catch(() => undefined))?.ok === true,
      );
    }
  } catch (error) {
    // A stack that never became ready must not outlive the test file.
    for (const child of Object.values(processes)) child.kill('SIGKILL');
    throw error;
  }
  const createKey = (role: string) => cli(['keys', 'create', '--role', role, '--label', `e2e ${name}`]).trim();
  return {
    api,
    env,
    topics,
    databaseUrl,
    brokers: environment.kafkaBrokers,
    adminKey: createKey('admin'),
    createKey,
    cli,
    http: {
      api,
      gateway: `http://127.0.0.1:${apiPort + 1000}`,
      scorer: `http://127.0.0.1:${apiPort + 2000}`,
    },
    processes,
    launch,
    stop: async () => {
      await Promise.all(
        Object.values(processes).map(
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

async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const database = `${new URL(serverUrl).pathname.slice(1)}_${name.replace(/[^a-z0-9_]/gi, '_')}`.toLowerCase();
  const url = withDatabase(serverUrl, database);
  await dropDatabase(url);
  await ensureDatabase(url);
  return url;
}

export async function waitUntil(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean> | boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // A check that fails (the database restarting, say) means "not yet".
    if (
      await Promise.resolve()
        .then(check)
        .catch(() => false)
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
}

export function authorized(key: string, headers: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${key}`, ...headers };
}

/**
 * Waits until a stack has fully digested `inputs` filings: the gateway counted them all, the
 * scorer's consumer group has committed every message of the events topic (it commits a batch
 * after scoring it), and the outbox has published every indicator and score.
 */
export async function waitUntilDigested(
  stack: Pick<RunningStack, 'brokers' | 'env' | 'topics'>,
  database: { query: (sql: string) => Promise<Array<{ n: string }>> },
  inputs: number,
  timeoutMs = 120_000,
): Promise<void> {
  const count = async (sql: string) => Number((await database.query(sql))[0]!.n);
  await waitUntil(
    `the gateway has handled all ${inputs} filings`,
    timeoutMs,
    async () => (await count('SELECT coalesce(sum(count), 0) AS n FROM ingest_count')) === inputs,
  );
  const bus = new KafkaBus({ brokers: stack.brokers.split(','), clientId: 'portscore-test-digest' });
  try {
    const groupId = `${stack.env.KAFKA_CLIENT_ID}-scorer`;
    await waitUntil(
      'the scorer has scored every accepted event and published everything',
      timeoutMs,
      async () =>
        (await bus.groupLag(groupId, stack.topics.events)) === 0 &&
        (await count('SELECT count(*) AS n FROM outbox')) === 0,
    );
  } finally {
    await bus.disconnect();
  }
}
