import 'reflect-metadata';

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import { loadPorts } from '@portscore/config';

import type { BenchOptions } from './bench-arguments';
import { BenchEnvironment, log, machine, ROOT, runBench, scorerEventsScored, waitForCount } from './bench-environment';

function percentile(sorted: number[], fraction: number): number {
  const rank = fraction * (sorted.length - 1);
  const low = Math.floor(rank);
  return sorted[low]! + (sorted[Math.ceil(rank)]! - sorted[low]!) * (rank - low);
}

async function main({
  numbers: { ports, days, requests },
  ...output
}: BenchOptions<'ports' | 'days' | 'requests'>): Promise<void> {
  const bench = await BenchEnvironment.open(output);
  try {
    const apiPort = '3990';
    const scorerHttpPort = 3991;
    bench.spawn('gateway');
    bench.spawn('scorer', { SCORER_HTTP_PORT: String(scorerHttpPort) });
    bench.spawn('api', { API_PORT: apiPort, API_RATE_LIMIT_PER_MINUTE: '1000000' });
    const cli = (cliArgs: string[]) =>
      execFileSync(process.execPath, [join(ROOT, 'bin/portscore.js'), ...cliArgs], {
        env: bench.env,
        encoding: 'utf8',
      });
    const output = cli([
      'simulate',
      '--ports',
      String(ports),
      '--days',
      String(days),
      '--seed',
      '7',
      '--end',
      '2026-11-20',
      '--quiet',
    ]);
    const published = Number(/published (\d+) simulated filings/.exec(output)![1]);
    log(`published ${published} filings for ${ports} ports; waiting for them to be scored`);
    await waitForCount('gateway handled', published, () =>
      bench.count('SELECT coalesce(sum(count), 0) AS n FROM ingest_count'),
    );
    const accepted = await bench.count(`SELECT count AS n FROM ingest_count WHERE outcome = 'accepted'`);
    await waitForCount('scorer scored', accepted, () => scorerEventsScored(scorerHttpPort).catch(() => 0));
    const key = cli(['keys', 'create', '--role', 'agency']).trim();
    const portIds = (
      JSON.parse(
        await (
          await fetch(`http://127.0.0.1:${apiPort}/v1/ports`, { headers: { authorization: `Bearer ${key}` } })
        ).text(),
      ) as Array<{ id: string }>
    )
      .slice(0, ports)
      .map((p) => p.id);
    const timings: number[] = [];
    for (let i = 0; i < requests; i += 1) {
      const started = performance.now();
      const response = await fetch(
        `http://127.0.0.1:${apiPort}/v1/ports/${portIds[i % portIds.length]}/scorecard?grain=month&date=2026-11-10`,
        {
          headers: { authorization: `Bearer ${key}` },
        },
      );
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`scorecard answered ${response.status}`);
      timings.push(performance.now() - started);
    }
    timings.sort((a, b) => a - b);
    const figures = {
      bench: 'api',
      ports,
      days,
      events: accepted,
      requests,
      scorecardMonthP50Ms: Number(percentile(timings, 0.5).toFixed(2)),
      scorecardMonthP95Ms: Number(percentile(timings, 0.95).toFixed(2)),
      scorecardMonthP99Ms: Number(percentile(timings, 0.99).toFixed(2)),
      scorecardMonthMaxMs: Number(timings.at(-1)!.toFixed(2)),
      machine: machine(),
    };
    console.log(`month scorecard latency over ${requests} requests, ${ports} ports, ${accepted} events`);
    console.log(
      `p50 ${figures.scorecardMonthP50Ms} ms · p95 ${figures.scorecardMonthP95Ms} ms · p99 ${figures.scorecardMonthP99Ms} ms · max ${figures.scorecardMonthMaxMs} ms`,
    );
    console.log(JSON.stringify(figures));
  } finally {
    await bench.close();
  }
}

// `portscore simulate --ports N` simulates at most the registered ports.
const registered = loadPorts(`${ROOT}/seeds`).ports.length;
runBench(
  'api',
  {
    ports: { default: 20, min: 1, max: registered },
    days: { default: 30, min: 1 },
    requests: { default: 400, min: 1 },
  },
  main,
);
