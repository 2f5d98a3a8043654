import 'reflect-metadata';

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

import { offsetMinutes } from '@portscore/catalogue';
import { loadPorts } from '@portscore/config';
import type { OutgoingMessage } from '@portscore/messaging';
import { simulate } from '@portscore/simulator';
import type { Client } from 'pg';

import type { BenchOptions } from './bench-arguments';
import { batchesBetween, batchTotals, updatesPublished } from './service-metrics';
import {
  BenchEnvironment,
  brokerSettings,
  cpuBetween,
  type CpuSnapshot,
  cpuSnapshot,
  log,
  machine,
  ROOT,
  rssKb,
  runBench,
  scorerEventsScored,
} from './bench-environment';
import { offeredDueBy, SENDS_PER_SECOND } from './offered-load';
import { progressReporter } from './progress';

const LATEST_START = '<!-- bench:latest:start -->';
const LATEST_END = '<!-- bench:latest:end -->';

const registry = loadPorts(`${ROOT}/seeds`);

type PipelineOption = 'events' | 'ports' | 'rate' | 'latency-seconds';

async function main({ numbers, ...output }: BenchOptions<PipelineOption>): Promise<void> {
  const { events: total, ports: portCount, rate, 'latency-seconds': latencySeconds } = numbers;
  const chosen = registry.ports.slice(0, portCount);
  const probePort = chosen.at(-1)!;
  const end = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z');
  const trafficPorts = chosen.slice(0, -1).map((p) => ({
    id: p.id,
    kind: p.kind,
    offsetMinutes: offsetMinutes(end, p.timeZone),
  }));
  const wanted = total + rate * latencySeconds;
  const days = Math.ceil((wanted * 1.15) / (trafficPorts.length * 120));
  log(`simulating ${days} days of ${trafficPorts.length} ports (+ probe port ${probePort.id})`);
  const simulated = simulate({ ports: trafficPorts, days, end, seed: 1 });
  if (simulated.length < wanted) throw new Error(`the simulator gave ${simulated.length} filings, ${wanted} needed`);
  const toMessage = (f: (typeof simulated)[number]): OutgoingMessage => ({
    key: f.port,
    value: Buffer.from(JSON.stringify(f)),
    headers: { 'content-type': 'application/cloudevents+json' },
  });
  const bulk = simulated.slice(0, total).map(toMessage);
  const offered = simulated.slice(total, wanted).map(toMessage);
  simulated.length = 0;

  const bench = await BenchEnvironment.open(output);
  try {
    const http = { gateway: 3981, scorer: 3982 };
    const gateway = bench.spawn('gateway', { GATEWAY_HTTP_PORT: String(http.gateway) });
    const scorer = bench.spawn('scorer', { SCORER_HTTP_PORT: String(http.scorer) });
    for (const port of Object.values(http)) await ready(`http://127.0.0.1:${port}/ready`);
    const peak = { gateway: 0, scorer: 0 };
    const sampler = setInterval(() => {
      peak.gateway = Math.max(peak.gateway, rssKb(gateway.pid));
      peak.scorer = Math.max(peak.scorer, rssKb(scorer.pid));
    }, 250);

    // 1. Throughput.
    log(`publishing ${total} filings`);
    const services = { gateway: gateway.pid, scorer: scorer.pid };
    const cpuAtStart = await cpuSnapshot(bench.database, services);
    const updatesAtStart = await updatesPublished(http.scorer);
    const started = Date.now();
    for (let start = 0; start < bulk.length; start += 5000) {
      await bench.bus.publish(bench.topics.TOPIC_FILINGS!, bulk.slice(start, start + 5000));
      if (start % 100_000 === 0) log(`published ${start + Math.min(5000, bulk.length - start)}/${total}`);
    }
    const publishedAt = Date.now();
    await until(
      'the gateway has handled every filing',
      async () => (await ingested(bench)) >= total,
      progressReporter('gateway: filings handled', total, started),
      () => ingested(bench),
    );
    const gatewayDoneAt = Date.now();
    const accepted = await bench.count(
      `SELECT coalesce(sum(count), 0) AS n FROM ingest_count WHERE outcome = 'accepted'`,
    );
    await until(
      'the scorer has stored and published everything',
      async () => (await scorerEventsScored(http.scorer)) >= accepted && (await pending(bench)) === 0,
      progressReporter('scorer: events scored', accepted, started),
      () => scorerEventsScored(http.scorer),
    );
    // The outbox is empty once the last update is on the topics; polled every 250 ms.
    const lastUpdate = Date.now();
    const cpu = cpuBetween(cpuAtStart, await cpuSnapshot(bench.database, services));
    const bulkUpdates = (await updatesPublished(http.scorer)) - updatesAtStart;
    const pipelineSeconds = (lastUpdate - started) / 1000;
    const throughput = total / pipelineSeconds;
    log(`throughput: ${Math.round(throughput)} events/s end to end`);

    // 2. Latency at a fixed offered load, with probes of measure 1 on a port of their own.
    const arrivals: number[] = [];
    const latencyGroup = `portscore-bench-latency-${bench.runId}`;
    // From the topic's end: reading the bulk phase's updates would take CPU from the pipeline.
    await bench.bus.positionGroupAtEnd(latencyGroup, bench.topics.TOPIC_INDICATORS!);
    await bench.bus.consume({
      groupId: latencyGroup,
      topic: bench.topics.TOPIC_INDICATORS!,
      // Few, full fetches: probes are timed by record timestamp, so reading later costs the
      // measurement nothing, while a fetch per handful of updates took broker CPU from the pipeline.
      minBatchBytes: 1024 * 1024,
      maxWaitMs: 250,
      handler: async (messages) => {
        for (const message of messages) {
          if (!message.key?.startsWith(`${probePort.id}|m1.instant_share|day|`)) continue;
          const { samples } = JSON.parse(message.value.toString('utf8')) as { samples: number };
          // When the scorer put the update on the topic (the record's timestamp, same machine
          // clock), not when this reader got to it.
          const publishedAt = Number(message.timestamp);
          for (let k = arrivals.length; k < samples; k += 1) arrivals.push(publishedAt);
        }
      },
    });
    const decided = new Date(Date.now() - 5 * 60_000);
    const probeSent: number[] = [];
    log(`offering ${rate} filings/s for ${latencySeconds} s with ${SENDS_PER_SECOND} probes/s`);
    const cpuAtLatencyStart = await cpuSnapshot(bench.database, services);
    const batchesAtLatencyStart = {
      gateway: await batchTotals(http.gateway, 'gateway'),
      scorer: await batchTotals(http.scorer, 'scorer'),
    };
    const updatesAtLatencyStart = await updatesPublished(http.scorer);
    const latencyStart = Date.now();
    let sent = 0;
    for (let send = 0; send < latencySeconds * SENDS_PER_SECOND; send += 1) {
      const due = latencyStart + (send * 1000) / SENDS_PER_SECOND;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
      const slice = offered.slice(sent, offeredDueBy(rate, send));
      sent += slice.length;
      const k = probeSent.length + 1;
      probeSent.push(Date.now());
      await bench.bus.publish(bench.topics.TOPIC_FILINGS!, [...slice, ...probe(probePort.id, k, decided)]);
    }
    await until('every probe is counted on the indicators topic', async () => arrivals.length >= probeSent.length);
    const latencyCpu = cpuBetween(cpuAtLatencyStart, await cpuSnapshot(bench.database, services));
    // Where a filing's time went in the phase: each service's batches, from its own metrics.
    const latencyBatches = {
      gateway: batchesBetween(batchesAtLatencyStart.gateway, await batchTotals(http.gateway, 'gateway')),
      scorer: batchesBetween(batchesAtLatencyStart.scorer, await batchTotals(http.scorer, 'scorer')),
    };
    const latencyPhaseSeconds = round((Date.now() - latencyStart) / 1000, 1);
    // The updates the phase's filings (and the probes' two each) caused, once all are published.
    await until('the outbox is empty', async () => (await pending(bench)) === 0);
    const latencyUpdates = (await updatesPublished(http.scorer)) - updatesAtLatencyStart;
    const latencyFilings = sent + 2 * probeSent.length;
    const inOrder = probeSent.map((at, k) => arrivals[k]! - at);
    if (output.logs) {
      // Each probe's latency in the order sent: shows whether slow ones cluster in time.
      writeFileSync(join(ROOT, 'test-artifacts', 'logs', 'bench-probes.json'), JSON.stringify(inOrder));
    }
    const latencies = [...inOrder].sort((a, b) => a - b);
    clearInterval(sampler);

    // 3. The ceiling: Kafka's consumer performance tool over the same filings.
    const ceiling = consumerCeiling(bench.infrastructure.kafkaBrokers, bench.topics.TOPIC_FILINGS!, total);
    const postgres = await postgresSettings(bench.database);
    const broker = brokerSettings(bench.infrastructure.kafkaBrokers);

    const figures = {
      bench: 'pipeline',
      events: total,
      ports: portCount,
      publishSeconds: round((publishedAt - started) / 1000, 1),
      gatewayEventsPerSecond: Math.round(total / ((gatewayDoneAt - started) / 1000)),
      pipelineSeconds: round(pipelineSeconds, 1),
      pipelineEventsPerSecond: Math.round(throughput),
      offeredPerSecond: rate,
      probes: latencies.length,
      latencyP50Ms: percentile(latencies, 0.5),
      latencyP99Ms: percentile(latencies, 0.99),
      cpuSeconds: cpu,
      latencyPhaseSeconds,
      latencyCpuSeconds: latencyCpu,
      latencyBatches,
      updatesPublished: { throughput: bulkUpdates, latency: latencyUpdates },
      gatewayPeakRssMb: Math.round(peak.gateway / 1024),
      scorerPeakRssMb: Math.round(peak.scorer / 1024),
      kafkaConsumerCeilingPerSecond: ceiling,
      ratioToCeiling: ceiling ? round(throughput / ceiling, 4) : null,
      machine: machine(),
      postgres,
      broker,
      date: new Date().toISOString().slice(0, 10),
    };
    const rows: Array<[string, string]> = [
      ['events', `${total} across ${portCount} ports`],
      ['publish time', `${figures.publishSeconds} s`],
      ['gateway throughput', `${figures.gatewayEventsPerSecond} events/s`],
      ['end-to-end throughput', `${figures.pipelineEventsPerSecond} events/s (${figures.pipelineSeconds} s)`],
      ['latency p50 / p99', `${figures.latencyP50Ms} / ${figures.latencyP99Ms} ms at ${rate}/s offered`],
      [
        'CPU s gateway/scorer/PG/Kafka/bench',
        `${cpuFigures(cpu)} in the ${figures.pipelineSeconds} s of throughput on ${cpus().length} cores; ` +
          `${cpuFigures(latencyCpu)} in the ${latencyPhaseSeconds} s at ${rate}/s`,
      ],
      [
        `batches at ${rate}/s`,
        (['gateway', 'scorer'] as const)
          .map((service) => {
            const b = latencyBatches[service];
            return (
              `${service} ${b.batches} batches, ${b.meanMessages} messages each, ` +
              `first waited ${b.meanWaitedMs} ms, handled in ${b.meanHandledMs} ms`
            );
          })
          .join('; ') + ' (means)',
      ],
      [
        'updates published',
        `${round(bulkUpdates / total, 2)} a filing in the throughput phase (${bulkUpdates}); ` +
          `${round(latencyUpdates / latencyFilings, 2)} a filing at ${rate}/s (${latencyUpdates})`,
      ],
      ['peak RSS gateway / scorer', `${figures.gatewayPeakRssMb} / ${figures.scorerPeakRssMb} MB`],
      ['Kafka consumer ceiling', `${ceiling ?? 'n/a'} messages/s`],
      ['ratio to ceiling', `${figures.ratioToCeiling ?? 'n/a'}`],
      ['PostgreSQL', postgres],
      ['Kafka broker JVM', broker ?? 'n/a (not on this machine)'],
    ];
    for (const [name, value] of rows) console.log(`${name.padEnd(28)} ${value}`);
    writeResults(figures, rows);
    console.log(JSON.stringify(figures));
  } finally {
    await bench.close();
  }
}

/** An application and a decision a minute later: one more decided case in the probe port's day window. */
function probe(port: string, k: number, decided: Date): OutgoingMessage[] {
  const applied = new Date(decided.getTime() - 60_000);
  const envelope = (type: string, at: Date, data: object) => ({
    key: port,
    value: JSON.stringify({
      specversion: '1.0',
      id: `probe-${k}-${type}`,
      source: 'urn:portscore:bench:probe',
      type,
      time: at.toISOString(),
      port,
      datacontenttype: 'application/json',
      data,
    }),
    headers: { 'content-type': 'application/cloudevents+json' },
  });
  return [
    envelope('sw.permit.applied.v1', applied, { permitId: `PROBE-${k}`, kind: 'food', channel: 'electronic' }),
    envelope('sw.permit.decided.v1', decided, { permitId: `PROBE-${k}`, kind: 'food', decision: 'approved' }),
  ];
}

/** What of PostgreSQL's configuration the figures depend on most (autovacuum: query plans, bloat). */
async function postgresSettings(database: Client): Promise<string> {
  const show = async (name: string) => (await database.query(`SHOW ${name}`)).rows[0][name] as string;
  return (
    `${(await show('server_version')).split(' ')[0]}, autovacuum ${await show('autovacuum')}, ` +
    `shared_buffers ${await show('shared_buffers')}, max_wal_size ${await show('max_wal_size')}`
  );
}

function cpuFigures(cpu: CpuSnapshot): string {
  return [cpu.gateway, cpu.scorer, cpu.postgres, cpu.kafka, cpu.bench].map((v) => v ?? 'n/a').join(' / ');
}

function consumerCeiling(brokers: string, topic: string, messages: number): number | null {
  log('running Kafka ConsumerPerformance on the same topic');
  const result = spawnSync(
    join(ROOT, 'deploy/kafka/kafka.sh'),
    [
      'tool',
      'org.apache.kafka.tools.ConsumerPerformance',
      '--bootstrap-server',
      brokers.split(',')[0]!,
      '--topic',
      topic,
      '--messages',
      String(messages),
      '--timeout',
      '120000',
    ],
    { encoding: 'utf8' },
  );
  // Header, then: start.time, end.time, MB, MB.sec, nMsg, nMsg.sec, …
  const line = result.stdout
    .trim()
    .split('\n')
    .find((l) => /^\d{4}-/.test(l));
  if (!line) {
    log(`ConsumerPerformance gave no figures: ${result.stderr.slice(-500)}`);
    return null;
  }
  return Math.round(Number(line.split(',')[5]));
}

function writeResults(figures: Record<string, unknown>, rows: Array<[string, string]>): void {
  const file = join(ROOT, 'docs', 'benchmarks.md');
  const block = [
    LATEST_START,
    `Latest run: ${figures.date}, ${figures.machine}, broker and database on the same machine.`,
    '',
    '| figure | value |',
    '|---|---|',
    ...rows.map(([name, value]) => `| ${name} | ${value} |`),
    '',
    '```json',
    JSON.stringify(figures),
    '```',
    LATEST_END,
  ].join('\n');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : `# Benchmarks\n\n${LATEST_START}\n${LATEST_END}\n`;
  const at = text.indexOf(LATEST_START);
  const until = text.indexOf(LATEST_END);
  writeFileSync(
    file,
    at >= 0 && until > at
      ? text.slice(0, at) + block + text.slice(until + LATEST_END.length)
      : `${text.trimEnd()}\n\n${block}\n`,
  );
  log(`wrote ${file}`);
}

async function ready(url: string): Promise<void> {
  await until(`${url} answers`, async () => (await fetch(url).catch(() => undefined))?.ok === true);
}

async function ingested(bench: BenchEnvironment): Promise<number> {
  return bench.count('SELECT coalesce(sum(count), 0) AS n FROM ingest_count');
}

async function pending(bench: BenchEnvironment): Promise<number> {
  return bench.count('SELECT count(*) AS n FROM outbox');
}

/** Polls until `done`, with a progress line every 10 s when `progress` is given. */
async function until(
  what: string,
  done: () => Promise<boolean>,
  progress?: (value: number) => string,
  value?: () => Promise<number>,
  timeoutMs = 60 * 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastLog = Date.now();
  while (!(await done().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    if (progress && value && Date.now() - lastLog >= 10_000) {
      log(progress(await value()));
      lastLog = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0;
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

runBench<PipelineOption>(
  'pipeline',
  {
    events: { default: 1_000_000, min: 1 },
    // At least one port of traffic beside the probes' port, all of them registered.
    ports: { default: 50, min: 2, max: registry.ports.length },
    rate: { default: 2000, min: 1 },
    'latency-seconds': { default: 30, min: 1 },
  },
  main,
);
