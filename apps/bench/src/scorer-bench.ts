import 'reflect-metadata';

import { offsetMinutes } from '@portscore/catalogue';
import { loadPorts } from '@portscore/config';
import { FilingValidator } from '@portscore/contracts';
import { simulate } from '@portscore/simulator';

import type { BenchOptions } from './bench-arguments';
import {
  BenchEnvironment,
  cpuBetween,
  cpuSnapshot,
  log,
  machine,
  publishAll,
  ROOT,
  rssKb,
  runBench,
  scorerEventsScored,
  waitForCount,
} from './bench-environment';

const registry = loadPorts(`${ROOT}/seeds`);

async function main({ numbers, ...output }: BenchOptions<'ports' | 'days'>): Promise<void> {
  const end = new Date('2026-11-01T00:00:00Z');
  const ports = registry.ports.slice(0, numbers.ports).map((p) => ({
    id: p.id,
    kind: p.kind,
    offsetMinutes: offsetMinutes(end, p.timeZone),
  }));
  const validator = new FilingValidator({ ports: registry, maxBytes: 1 << 20, maxFutureMs: 0, now: () => end });
  const filings = simulate({ ports, days: numbers.days, end, seed: 1, perPortDay: 120 });
  const events = filings.map((f) => validator.validate({ value: Buffer.from(JSON.stringify(f)), headers: {} }));
  const distinct = new Set(events.map((e) => `${e.source} ${e.id}`)).size;
  const bench = await BenchEnvironment.open(output);
  try {
    await publishAll(
      bench.bus,
      bench.topics.TOPIC_EVENTS!,
      events.map((e) => ({
        key: e.port,
        value: JSON.stringify(e),
        headers: { 'content-type': 'application/cloudevents+json' },
      })),
      'canonical events',
    );
    log(`starting the scorer for ${events.length} events (${distinct} distinct) of ${ports.length} ports`);
    const spawned = Date.now();
    const httpPort = 3982;
    const scorer = bench.spawn('scorer', { SCORER_HTTP_PORT: String(httpPort) });
    const cpuAtStart = await cpuSnapshot(bench.database, { scorer: scorer.pid });
    let peakRssKb = 0;
    const run = await waitForCount(
      'scorer scored',
      events.length,
      () => scorerEventsScored(httpPort).catch(() => 0), // 0 until its HTTP server is up
      () => (peakRssKb = Math.max(peakRssKb, rssKb(scorer.pid))),
    );
    const cpu = cpuBetween(cpuAtStart, await cpuSnapshot(bench.database, { scorer: scorer.pid }));
    const indicators = await bench.count('SELECT count(*) AS n FROM indicator');
    const scores = await bench.count('SELECT count(*) AS n FROM score');
    const figures = {
      bench: 'scorer',
      events: events.length,
      distinctEvents: distinct,
      ports: ports.length,
      scorerSecondsFromStart: Number(((run.doneAt - spawned) / 1000).toFixed(2)),
      scorerEventsPerSecond: Math.round((events.length - run.firstCount) / ((run.doneAt - run.firstAt) / 1000)),
      scorerPeakRssMb: Math.round(peakRssKb / 1024),
      cpuSeconds: { scorer: cpu.scorer, postgres: cpu.postgres },
      indicators,
      scores,
      machine: machine(),
    };
    console.log(`events                 ${events.length} (${distinct} distinct) for ${ports.length} ports`);
    console.log(`scorer throughput      ${figures.scorerEventsPerSecond} events/s (steady state, first batch to last)`);
    console.log(`scorer wall time       ${figures.scorerSecondsFromStart} s including start-up`);
    console.log(`scorer peak RSS        ${figures.scorerPeakRssMb} MB`);
    console.log(
      `CPU s scorer / PG      ${cpu.scorer} / ${cpu.postgres ?? 'n/a'} from the scorer's start to the last event scored`,
    );
    console.log(`indicators / scores    ${indicators} / ${scores}`);
    console.log(JSON.stringify(figures));
  } finally {
    await bench.close();
  }
}

runBench(
  'scorer',
  {
    ports: { default: registry.ports.length, min: 1, max: registry.ports.length },
    days: { default: 30, min: 1 },
  },
  main,
);
