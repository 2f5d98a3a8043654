import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

import { loadConfig, type ServiceName, serviceArguments } from '@portscore/config';
import { KafkaBus } from '@portscore/messaging';
import { dropDatabase, ensureDatabase, migrate, withDatabase } from '@portscore/persistence';
import { type LocalInfrastructure, localInfrastructure } from '@portscore/runtime';
import { Client } from 'pg';

import { jvmOptions } from './jvm-options';
import { metricsText, metricTotal } from './service-metrics';

import {
  asksForHelp,
  type BenchOptions,
  parseBenchArguments,
  UsageError,
  type WholeNumberOption,
} from './bench-arguments';

export const ROOT = resolve(__dirname, '..', '..', '..', '..');

export function log(line: string): void {
  console.error(`[bench] ${line}`);
}

/** What each service the bench starts is asked for (the bench's --profile and --logs). */
export interface ServiceOutput {
  /** Each service writes a V8 CPU profile (open in Chrome DevTools) when it exits. */
  profile: boolean;
  /** Each service logs each batch into test-artifacts/logs/bench-<service>.log. */
  logs: boolean;
}

/** The run's environment, for a signal or a service that dies to close; `starting` until it is there. */
let starting: Promise<BenchEnvironment> | undefined;
let current: BenchEnvironment | undefined;
let stopping = false;

/** How long a service may take to drain after SIGTERM (its own limit is 25 s) before it is killed. */
const SERVICE_STOP_MS = 30_000;

/**
 * A throwaway place to measure in: fresh topics (suffixed with the run id) and a fresh database on
 * the configured or local Kafka and PostgreSQL; everything is removed again by `close`.
 */
export class BenchEnvironment {
  readonly topics: Record<string, string>;
  readonly bus: KafkaBus;
  readonly database: Client;
  private readonly children: ChildProcess[] = [];
  private closing = false;
  private closed: Promise<void> | undefined;
  private databaseCreated = false;
  private topicsCreated = false;

  private constructor(
    readonly runId: string,
    readonly infrastructure: LocalInfrastructure,
    private readonly output: ServiceOutput,
  ) {
    this.topics = {
      TOPIC_FILINGS: `sw.filings.v1.${runId}`,
      TOPIC_EVENTS: `sw.events.v1.${runId}`,
      TOPIC_DEAD_LETTERS: `sw.filings.dlq.v1.${runId}`,
      TOPIC_INDICATORS: `sw.indicators.v1.${runId}`,
      TOPIC_SCORES: `sw.scores.v1.${runId}`,
    };
    this.bus = new KafkaBus({ brokers: infrastructure.kafkaBrokers.split(','), clientId: 'portscore-bench' });
    this.database = new Client({ connectionString: infrastructure.databaseUrl });
  }

  /** Creates the run's topics with `TOPIC_PARTITIONS` partitions, as the services would. */
  static async open(output: ServiceOutput): Promise<BenchEnvironment> {
    const partitions = loadConfig().topicPartitions;
    const runId = `b${Date.now()}`;
    const database = benchDatabase(runId);
    starting = localInfrastructure(ROOT, database, log).then(
      // A run has a database of its own on the server DATABASE_URL names too (its user, host and
      // parameters): a database already there is neither mixed into the figures nor removed.
      (infrastructure) =>
        (current = new BenchEnvironment(
          runId,
          { ...infrastructure, databaseUrl: withDatabase(infrastructure.databaseUrl, database) },
          output,
        )),
    );
    const environment = await starting;
    // Whatever fails from here on, what was started or created so far does not stay behind.
    try {
      if (stopping) throw new Error('stopped before the bench environment was ready');
      await ensureDatabase(environment.infrastructure.databaseUrl);
      environment.databaseCreated = true;
      await migrate(environment.infrastructure.databaseUrl);
      await environment.database.connect();
      environment.topicsCreated = true;
      await environment.bus.ensureTopics(
        Object.entries(environment.topics).map(([name, topic]) => ({
          topic,
          partitions,
          maxMessageBytes: 8 * 1024 * 1024,
          compacted: name === 'TOPIC_INDICATORS' || name === 'TOPIC_SCORES',
        })),
      );
    } catch (error) {
      await environment.close();
      throw error;
    }
    return environment;
  }

  get databaseName(): string {
    return benchDatabase(this.runId);
  }

  get env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      KAFKA_BROKERS: this.infrastructure.kafkaBrokers,
      DATABASE_URL: this.infrastructure.databaseUrl,
      KAFKA_CLIENT_ID: `portscore-${this.runId}`,
      ...this.topics,
      LOG_LEVEL: this.output.logs ? 'info' : 'warn',
      NO_COLOR: '1',
    };
  }

  /** Starts a built service (gateway, scorer, api) as its own process. */
  spawn(service: ServiceName, extraEnv: Record<string, string> = {}): ChildProcess {
    const profile = this.output.profile
      ? [
          '--cpu-prof',
          `--cpu-prof-dir=${join(ROOT, 'test-artifacts', 'profiles')}`,
          `--cpu-prof-name=${service}.cpuprofile`,
        ]
      : [];
    if (this.output.logs) mkdirSync(join(ROOT, 'test-artifacts', 'logs'), { recursive: true });
    const logs = this.output.logs
      ? openSync(join(ROOT, 'test-artifacts', 'logs', `bench-${service}.log`), 'w')
      : 'ignore';
    // SERVICE_NODE_OPTIONS: more Node.js options for the services only, after their own.
    const extra = (process.env.SERVICE_NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean);
    const child = spawn(process.execPath, serviceArguments(service, ROOT, [...profile, ...extra]), {
      env: { ...this.env, ...extraEnv },
      stdio: ['ignore', logs, 'inherit'],
    });
    this.children.push(child);
    child.once('exit', (code, signal) => {
      if (this.closing) return;
      stopBench(`the ${service} exited (${signal ?? `code ${code}`}) before the bench ended; see its output above`, 1);
    });
    return child;
  }

  async count(sql: string): Promise<number> {
    return Number((await this.database.query(sql)).rows[0].n);
  }

  /**
   * Stops the services, removes the topics and the database, and stops the broker and database
   * server this run started. Every step is tried even when one before it failed; what could not
   * be removed is named. Closing again waits for the same close.
   */
  close(): Promise<void> {
    this.closed ??= this.shutDown();
    return this.closed;
  }

  private async shutDown(): Promise<void> {
    this.closing = true;
    await Promise.all(this.children.map(stopService));
    const leftBehind: string[] = [];
    const attempt = async (what: string, step: () => Promise<unknown>) => {
      try {
        await step();
      } catch (error) {
        leftBehind.push(`${what} (${(error as Error).message})`);
      }
    };
    await this.database.end().catch(() => undefined);
    // Readers stop before their topics go, so they do not log fetch errors on the way out.
    await attempt('the Kafka connections', () => this.bus.disconnect());
    if (this.topicsCreated) {
      await attempt(`the topics *.${this.runId}`, () => this.bus.deleteTopics(Object.values(this.topics)));
    }
    if (this.databaseCreated) {
      await attempt(`the database ${this.databaseName}`, () => dropDatabase(this.infrastructure.databaseUrl));
    }
    await attempt('the broker or database server this run started', () => this.infrastructure.stop());
    if (leftBehind.length > 0) log(`could not remove or stop: ${leftBehind.join('; ')}`);
  }
}

function benchDatabase(runId: string): string {
  return `portscore_bench_${runId}`;
}

function stopService(child: ChildProcess): Promise<void> {
  return new Promise<void>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), SERVICE_STOP_MS).unref();
  });
}

/**
 * Ends the run early (Ctrl-C, SIGTERM, a service that died): closes the environment, which stops
 * every service, the broker and database server this run started, and removes its topics and
 * database, then exits with `status`. Only the first reason counts.
 */
function stopBench(reason: string, status: number): void {
  if (stopping) return;
  stopping = true;
  log(`${reason}; stopping what the bench started and removing its database and topics`);
  void (async () => {
    // A broker or database server being started is waited for, so that it can be stopped.
    await starting?.catch(() => undefined);
    await current?.close().catch((error: unknown) => log(`cleaning up failed: ${(error as Error).message}`));
    log(`stopped; exit status ${status}`);
    process.exit(status);
  })();
}

/**
 * Runs a bench's main with its options from the command line: `--help` / `-h` prints the usage
 * (apps/bench/usage/<bench>.txt); a command line that does not fit it exits 2 with the usage;
 * Ctrl-C or SIGTERM stops the run and cleans up (exit 130 / 143).
 */
export function runBench<Name extends string>(
  bench: 'pipeline' | 'gateway' | 'scorer' | 'api',
  numbers: Record<Name, WholeNumberOption>,
  main: (options: BenchOptions<Name>) => Promise<void>,
): void {
  const args = process.argv.slice(2);
  const usage = readFileSync(join(ROOT, 'apps', 'bench', 'usage', `${bench}.txt`), 'utf8');
  if (asksForHelp(args)) return void process.stdout.write(usage);
  let options: BenchOptions<Name>;
  try {
    options = parseBenchArguments(args, numbers);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`[bench] ${error.message}\n\n${usage}`);
    process.exitCode = 2;
    return;
  }
  process.on('SIGINT', () => stopBench('interrupted (SIGINT)', 130));
  process.on('SIGTERM', () => stopBench('terminated (SIGTERM)', 143));
  main(options).catch((error: unknown) => {
    // Stopping: the services and connections going away fail whatever main was waiting for.
    if (stopping) return;
    log(`failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}

/** The CPU time of each part of the system under test, in seconds (user + system, from /proc). */
export interface CpuSnapshot {
  gateway: number;
  scorer: number;
  /** Every PostgreSQL process: the server, its live backends and those that have exited. */
  postgres: number | null;
  /** Every Kafka broker process on this machine. */
  kafka: number | null;
  /** The bench itself: publishing the filings and polling. */
  bench: number;
}

/**
 * Where CPU goes between two snapshots. PostgreSQL and Kafka count only when they run on this
 * machine (their processes are found in /proc: the server's postmaster.pid, the broker's
 * `kafka.Kafka` command line); otherwise they read null.
 */
export async function cpuSnapshot(
  database: Client,
  services: { gateway?: number; scorer?: number },
): Promise<CpuSnapshot> {
  const own = process.cpuUsage();
  return {
    gateway: processCpu(services.gateway)?.self ?? 0,
    scorer: processCpu(services.scorer)?.self ?? 0,
    postgres: await postgresCpu(database),
    kafka: sumOf(
      processes()
        .filter((p) => p.command.includes('kafka.Kafka'))
        .map((p) => p.self),
    ),
    bench: (own.user + own.system) / 1e6,
  };
}

export function cpuBetween(from: CpuSnapshot, to: CpuSnapshot): CpuSnapshot {
  const minus = (a: number | null, b: number | null) => (a === null || b === null ? null : round1(b - a));
  return {
    gateway: round1(to.gateway - from.gateway),
    scorer: round1(to.scorer - from.scorer),
    postgres: minus(from.postgres, to.postgres),
    kafka: minus(from.kafka, to.kafka),
    bench: round1(to.bench - from.bench),
  };
}

const TICKS_PER_SECOND = 100;

interface ProcessCpu {
  pid: number;
  parent: number;
  command: string;
  /** Seconds used by the process itself. */
  self: number;
  /** Seconds used by its children that have exited and been waited for. */
  children: number;
}

function processCpu(pid: number | undefined): ProcessCpu | undefined {
  if (!pid) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After "pid (comm) ": state, ppid, …; utime, stime, cutime, cstime are fields 14–17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return {
      pid,
      parent: Number(fields[1]),
      command,
      self: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
      children: (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND,
    };
  } catch {
    return undefined;
  }
}

function processes(): ProcessCpu[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => processCpu(Number(name)) ?? []);
}

async function postgresCpu(database: Client): Promise<number | null> {
  try {
    const directory = (await database.query('SHOW data_directory')).rows[0].data_directory as string;
    const server = Number(readFileSync(join(directory, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const postmaster = processCpu(server);
    if (!postmaster) return null;
    const live = processes().filter((p) => p.parent === server);
    return postmaster.self + postmaster.children + sumOf(live.map((p) => p.self))!;
  } catch {
    // Not this machine's server, or not readable: no figure rather than a wrong one.
    return null;
  }
}

function sumOf(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0);
}

function round1(value: number): number {
  return Number(value.toFixed(1));
}

/** Resident set size of a process, in kB (0 once it is gone). */
export function rssKb(pid: number | undefined): number {
  try {
    const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * The heap, collector and compiler options of the broker the bench uses (the first of
 * `brokers`), when it runs on this machine: the `kafka.Kafka` process whose server.properties
 * listens on that port. They move its CPU (docs/benchmarks.md). Null for a broker elsewhere.
 */
export function brokerSettings(brokers: string): string | null {
  const [host, port] = (brokers.split(',')[0] ?? '').trim().split(':');
  if (!port || !['127.0.0.1', 'localhost'].includes(host ?? '')) return null;
  const broker = processes().find((p) => {
    if (!p.command.includes('kafka.Kafka')) return false;
    const properties = p.command.split(' ').find((word) => word.endsWith('.properties'));
    try {
      const listeners = /^listeners=(.*)$/m.exec(readFileSync(properties ?? '', 'utf8'))?.[1] ?? '';
      return listeners.split(',').some((listener) => listener.endsWith(`:${port}`));
    } catch {
      return false;
    }
  });
  return broker ? jvmOptions(broker.command) : null;
}

export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB`;
}

/** Publishes in slices with a progress line. */
export async function publishAll(
  bus: KafkaBus,
  topic: string,
  messages: Parameters<KafkaBus['publish']>[1],
  label: string,
): Promise<number> {
  const started = Date.now();
  for (let start = 0; start < messages.length; start += 5000) {
    await bus.publish(topic, messages.slice(start, start + 5000));
    process.stderr.write(`\r[bench] ${label}: published ${Math.min(start + 5000, messages.length)}/${messages.length}`);
  }
  process.stderr.write('\n');
  return (Date.now() - started) / 1000;
}

/**
 * Events the scorer listening on `httpPort` has scored, from its `portscore_events_scored_total`
 * counter (incremented after each batch commits). Polling this instead of counting stored rows
 * keeps the bench from scanning a growing table several times a second, which takes a good share
 * of the database's CPU from the pipeline being measured.
 */
export async function scorerEventsScored(httpPort: number): Promise<number> {
  return metricTotal(await metricsText(httpPort, 'scorer'), 'portscore_events_scored_total');
}

/** Polls a count until it reaches the target; returns when the first and last progress happened. */
export async function waitForCount(
  label: string,
  target: number,
  count: () => Promise<number>,
  onTick: () => void = () => {},
  timeoutMs = 30 * 60_000,
): Promise<{ firstAt: number; firstCount: number; doneAt: number }> {
  let firstAt = 0;
  let firstCount = 0;
  let done = 0;
  const deadline = Date.now() + timeoutMs;
  while (done < target && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    done = await count();
    onTick();
    if (!firstAt && done > 0) {
      firstAt = Date.now();
      firstCount = done;
    }
    process.stderr.write(`\r[bench] ${label}: ${done}/${target}`);
  }
  process.stderr.write('\n');
  if (done < target) throw new Error(`${label} reached ${done} of ${target} in ${timeoutMs / 60_000} minutes`);
  return { firstAt, firstCount, doneAt: Date.now() };
}
