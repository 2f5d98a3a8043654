import 'reflect-metadata';

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

import { KafkaBus } from '@portscore/messaging';
import { ensureDatabase, migrate } from '@portscore/persistence';
import { localInfrastructure } from '@portscore/runtime';
import { Client } from 'pg';

import { gatewayLoad } from './filing-generator';

const HELP = `Usage: npm run bench:gateway [-- --count N]

Measures the ingest gateway alone: publishes N filings (default 200000; JSON and XML, one in 20
a re-send, one in 20 invalid) to a fresh filings topic, then starts one gateway process and
times how fast it validates, de-duplicates, forwards and records them. Uses KAFKA_BROKERS and
DATABASE_URL when set, else the local broker and PostgreSQL. Last line: one JSON object.`;

const root = resolve(__dirname, '..', '..', '..', '..');
const log = (line: string) => console.error(`[bench] ${line}`);

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help')) {
    console.log(HELP);
    return;
  }
  const count = Number(args[args.indexOf('--count') + 1] ?? 200_000) || 200_000;
  const runId = `b${Date.now()}`;
  const infrastructure = await localInfrastructure(root, `portscore_bench_${runId}`, log);
  const bus = new KafkaBus({ brokers: infrastructure.kafkaBrokers.split(','), clientId: 'portscore-bench' });
  const topics = {
    TOPIC_FILINGS: `sw.filings.v1.${runId}`,
    TOPIC_EVENTS: `sw.events.v1.${runId}`,
    TOPIC_DEAD_LETTERS: `sw.filings.dlq.v1.${runId}`,
    TOPIC_INDICATORS: `sw.indicators.v1.${runId}`,
    TOPIC_SCORES: `sw.scores.v1.${runId}`,
  };
  const env = {
    ...process.env,
    KAFKA_BROKERS: infrastructure.kafkaBrokers,
    DATABASE_URL: infrastructure.databaseUrl,
    KAFKA_CLIENT_ID: `portscore-${runId}`,
    ...topics,
    LOG_LEVEL: 'warn',
    NO_COLOR: '1',
  };
  try {
    await ensureDatabase(infrastructure.databaseUrl);
    await migrate(infrastructure.databaseUrl);
    await bus.ensureTopics(
      Object.values(topics).map((topic) => ({ topic, partitions: 4, maxMessageBytes: 8 * 1024 * 1024 })),
    );

    log(`publishing ${count} filings to ${topics.TOPIC_FILINGS}`);
    const messages = gatewayLoad(count, runId);
    const publishStart = Date.now();
    for (let start = 0; start < messages.length; start += 5000) {
      await bus.publish(topics.TOPIC_FILINGS, messages.slice(start, start + 5000));
      process.stderr.write(`\r[bench] published ${Math.min(start + 5000, count)}/${count}`);
    }
    process.stderr.write('\n');
    const publishSeconds = (Date.now() - publishStart) / 1000;

    const database = new Client({ connectionString: infrastructure.databaseUrl });
    await database.connect();
    const counted = async () =>
      Number((await database.query('SELECT coalesce(sum(count), 0) AS n FROM ingest_count')).rows[0].n);

    log('starting the gateway');
    const spawned = Date.now();
    const gateway = spawn(
      process.execPath,
      ['-r', join(root, 'bin/register-paths.js'), join(root, 'dist/apps/gateway/src/main.js')],
      { env, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    let firstAt = 0;
    let firstCount = 0;
    let peakRssKb = 0;
    let done = 0;
    const deadline = Date.now() + 30 * 60_000;
    while (done < count && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      done = await counted();
      peakRssKb = Math.max(peakRssKb, rssKb(gateway.pid!));
      if (!firstAt && done > 0) {
        firstAt = Date.now();
        firstCount = done;
      }
      process.stderr.write(`\r[bench] gateway processed ${done}/${count}`);
    }
    process.stderr.write('\n');
    const finishedAt = Date.now();
    await new Promise<void>((r) => {
      gateway.once('exit', () => r());
      gateway.kill('SIGTERM');
    });
    const breakdown = (
      await database.query('SELECT outcome, sum(count) AS n FROM ingest_count GROUP BY outcome ORDER BY outcome')
    ).rows;
    await database.end();
    if (done < count) throw new Error(`the gateway processed ${done} of ${count} in 30 minutes`);

    const steadySeconds = (finishedAt - firstAt) / 1000;
    const figures = {
      bench: 'gateway',
      filings: count,
      publishPerSecond: Math.round(count / publishSeconds),
      gatewaySecondsFromStart: Number(((finishedAt - spawned) / 1000).toFixed(2)),
      gatewayPerSecond: Math.round((count - firstCount) / steadySeconds),
      gatewayPeakRssMb: Math.round(peakRssKb / 1024),
      outcomes: Object.fromEntries(
        breakdown.map((row: { outcome: string; n: string }) => [row.outcome, Number(row.n)]),
      ),
      machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
    };
    console.log(`filings                ${count}`);
    console.log(`publish rate           ${figures.publishPerSecond} msg/s`);
    console.log(`gateway throughput     ${figures.gatewayPerSecond} msg/s (steady state, first batch to last)`);
    console.log(`gateway wall time      ${figures.gatewaySecondsFromStart} s including start-up`);
    console.log(`gateway peak RSS       ${figures.gatewayPeakRssMb} MB`);
    console.log(JSON.stringify(figures));
  } finally {
    await bus.deleteTopics(Object.values(topics)).catch(() => undefined);
    await bus.disconnect();
    const admin = new Client({ connectionString: infrastructure.databaseUrl.replace(/\/[^/]+$/, '/postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS portscore_bench_${runId} WITH (FORCE)`);
    await admin.end();
    await infrastructure.stop();
  }
}

function rssKb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

main().catch((error: unknown) => {
  console.error(`[bench] ${(error as Error).message}`);
  process.exit(1);
});
