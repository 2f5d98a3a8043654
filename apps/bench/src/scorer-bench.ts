import 'reflect-metadata';

import { offsetMinutes } from '@portscore/catalogue';
import { loadPorts } from '@portscore/config';
import { FilingValidator } from '@portscore/contracts';
import { simulate } from '@portscore/simulator';

import {
  BenchEnvironment,
  cpuBetween,
  cpuSnapshot,
  log,
  machine,
  option,
  publishAll,
  ROOT,
  rssKb,
  scorerEventsStored,
  waitForCount,
} from './bench-environment';

const HELP = `Usage: npm run bench:scorer [-- --ports N --days D]

Measures the scorer alone: simulates D days (default 30) of traffic for N ports (default 14),
validates it into canonical events, publishes those to a fresh events topic, then starts one
scorer process and times how fast it stores events, recomputes the windows they touch and saves
indicators and scores; also the CPU seconds the scorer and PostgreSQL (when it runs on this
machine) used meanwhile, which vary less from run to run than the time. Uses KAFKA_BROKERS and DATABASE_URL when set, else the local broker and
PostgreSQL. Last line: one JSON object.`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help')) return void console.log(HELP);
  const registry = loadPorts(`${ROOT}/seeds`);
  const end = new Date('2026-11-01T00:00:00Z');
  const ports = registry.ports.slice(0, option(args, '--ports', registry.ports.length)).map((p) => ({
    id: p.id,
    kind: p.kind,
    offsetMinutes: offsetMinutes(end, p.timeZone),
  }));
  const validator = new FilingValidator({ ports: registry, maxBytes: 1 << 20, maxFutureMs: 0, now: () => end });
  const filings = simulate({ ports, days: option(args, '--days', 30), end, seed: 1, perPortDay: 120 });
  const events = filings.map((f) => validator.validate({ value: Buffer.from(JSON.stringify(f)), headers: {} }));
  const distinct = new Set(events.map((e) => `${e.source} ${e.id}`)).size;
  const bench = await BenchEnvironment.open();
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
      'scorer stored',
      distinct,
      () => scorerEventsStored(httpPort).catch(() => 0), // 0 until its HTTP server is up
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
      scorerEventsPerSecond: Math.round((distinct - run.firstCount) / ((run.doneAt - run.firstAt) / 1000)),
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
      `CPU s scorer / PG      ${cpu.scorer} / ${cpu.postgres ?? 'n/a'} from the scorer's start to the last event stored`,
    );
    console.log(`indicators / scores    ${indicators} / ${scores}`);
    console.log(JSON.stringify(figures));
  } finally {
    await bench.close();
  }
}

main().catch((error: unknown) => {
  console.error(`[bench] ${(error as Error).message}`);
  process.exit(1);
});
