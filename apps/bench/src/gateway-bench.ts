import 'reflect-metadata';

import type { BenchOptions } from './bench-arguments';
import {
  BenchEnvironment,
  cpuBetween,
  cpuSnapshot,
  log,
  machine,
  publishAll,
  rssKb,
  runBench,
  waitForCount,
} from './bench-environment';
import { gatewayLoad } from './filing-generator';

async function main({ numbers: { count }, ...output }: BenchOptions<'count'>): Promise<void> {
  const bench = await BenchEnvironment.open(output);
  try {
    const publishSeconds = await publishAll(
      bench.bus,
      bench.topics.TOPIC_FILINGS!,
      gatewayLoad(count, bench.runId),
      'filings',
    );
    log('starting the gateway');
    const spawned = Date.now();
    const gateway = bench.spawn('gateway');
    const cpuAtStart = await cpuSnapshot(bench.database, { gateway: gateway.pid });
    let peakRssKb = 0;
    const run = await waitForCount(
      'gateway processed',
      count,
      () => bench.count('SELECT coalesce(sum(count), 0) AS n FROM ingest_count'),
      () => (peakRssKb = Math.max(peakRssKb, rssKb(gateway.pid))),
    );
    const cpu = cpuBetween(cpuAtStart, await cpuSnapshot(bench.database, { gateway: gateway.pid }));
    const outcomes = (
      await bench.database.query('SELECT outcome, sum(count) AS n FROM ingest_count GROUP BY outcome ORDER BY outcome')
    ).rows;
    const figures = {
      bench: 'gateway',
      filings: count,
      publishPerSecond: Math.round(count / publishSeconds),
      gatewaySecondsFromStart: Number(((run.doneAt - spawned) / 1000).toFixed(2)),
      gatewayPerSecond: Math.round((count - run.firstCount) / ((run.doneAt - run.firstAt) / 1000)),
      gatewayPeakRssMb: Math.round(peakRssKb / 1024),
      cpuSeconds: { gateway: cpu.gateway, postgres: cpu.postgres },
      outcomes: Object.fromEntries(outcomes.map((row: { outcome: string; n: string }) => [row.outcome, Number(row.n)])),
      machine: machine(),
    };
    console.log(`filings                ${count}`);
    console.log(`publish rate           ${figures.publishPerSecond} msg/s`);
    console.log(`gateway throughput     ${figures.gatewayPerSecond} msg/s (steady state, first batch to last)`);
    console.log(`gateway wall time      ${figures.gatewaySecondsFromStart} s including start-up`);
    console.log(`gateway peak RSS       ${figures.gatewayPeakRssMb} MB`);
    console.log(`CPU s gateway / PG     ${cpu.gateway} / ${cpu.postgres ?? 'n/a'} from its start to the last filing`);
    console.log(JSON.stringify(figures));
  } finally {
    await bench.close();
  }
}

runBench('gateway', { count: { default: 200_000, min: 1 } }, main);
