import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

import { type ServiceName, serviceArguments } from '@portscore/config';
import { KafkaBus } from '@portscore/messaging';
import { ensureDatabase, migrate } from '@portscore/persistence';
import { type LocalInfrastructure, localInfrastructure } from '@portscore/runtime';
import { Client } from 'pg';

export const ROOT = resolve(__dirname, '..', '..', '..', '..');

export function log(line: string): void {
  console.error(`[bench] ${line}`);
}

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

  private constructor(
    readonly runId: string,
    readonly infrastructure: LocalInfrastructure,
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

  static async open(partitions = 4): Promise<BenchEnvironment> {
    const runId = `b${Date.now()}`;
    const environment = new BenchEnvironment(runId, await localInfrastructure(ROOT, `portscore_bench_${runId}`, log));
    await ensureDatabase(environment.infrastructure.databaseUrl);
    await migrate(environment.infrastructure.databaseUrl);
    await environment.database.connect();
    await environment.bus.ensureTopics(
      Object.entries(environment.topics).map(([name, topic]) => ({
        topic,
        partitions,
        maxMessageBytes: 8 * 1024 * 1024,
        compacted: name === 'TOPIC_INDICATORS' || name === 'TOPIC_SCORES',
      })),
    );
    return environment;
  }

  get env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      KAFKA_BROKERS: this.infrastructure.kafkaBrokers,
      DATABASE_URL: this.infrastructure.databaseUrl,
      KAFKA_CLIENT_ID: `portscore-${this.runId}`,
      ...this.topics,
      // --logs: every service logs each batch into test-artifacts/logs/bench-<service>.log.
      LOG_LEVEL: process.argv.includes('--logs') ? 'info' : 'warn',
      NO_COLOR: '1',
    };
  }

  /** Starts a built service (gateway, scorer, api) as its own process. */
  spawn(service: ServiceName, extraEnv: Record<string, string> = {}): ChildProcess {
    // --profile: each service writes a V8 CPU profile (open in Chrome DevTools) when it exits.
    const profile = process.argv.includes('--profile')
      ? [
          '--cpu-prof',
          `--cpu-prof-dir=${join(ROOT, 'test-artifacts', 'profiles')}`,
          `--cpu-prof-name=${service}.cpuprofile`,
        ]
      : [];
    if (process.argv.includes('--logs')) mkdirSync(join(ROOT, 'test-artifacts', 'logs'), { recursive: true });
    const logs = process.argv.includes('--logs')
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
      console.error(
        `[bench] the ${service} exited (${signal ?? `code ${code}`}) before the bench ended; see its output above`,
      );
      process.exit(1);
    });
    return child;
  }

  async count(sql: string): Promise<number> {
    return Number((await this.database.query(sql)).rows[0].n);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      ),
    );
    await this.database.end().catch(() => undefined);
    // Readers stop before their topics go, so they do not log fetch errors on the way out.
    await this.bus.disconnect();
    await this.bus.deleteTopics(Object.values(this.topics)).catch(() => undefined);
    const admin = new Client({
      connectionString: this.infrastructure.databaseUrl.replace(/\/[^/?]+(\?.*)?$/, '/postgres'),
    });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS portscore_bench_${this.runId} WITH (FORCE)`);
    await admin.end();
    await this.infrastructure.stop();
  }
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

export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB`;
}

export function option(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(name);
  const value = index >= 0 ? Number(args[index + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} needs a positive number`);
  return value;
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
 * Events the scorer listening on `httpPort` has stored, from its `portscore_events_scored_total`
 * counter (incremented after each batch commits). Polling this instead of `count(*)` over the
 * event table keeps the bench from scanning a growing table several times a second, which takes
 * a good share of the database's CPU from the pipeline being measured.
 */
export async function scorerEventsStored(httpPort: number): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${httpPort}/metrics`);
  if (!response.ok) throw new Error(`the scorer's /metrics answered ${response.status}`);
  const match = /^portscore_events_scored_total(?:\{[^}]*\})? (\d+)/m.exec(await response.text());
  return match ? Number(match[1]) : 0;
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
