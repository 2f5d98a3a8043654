import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The Prometheus metrics of one service, served at GET /metrics. Every series carries the
 * `service` label; process metrics (RSS, CPU, event loop lag, GC) come with the `portscore_`
 * prefix. Names and meanings are listed in docs/operations.md.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly filingsReceived = new Counter({
    name: 'portscore_filings_received_total',
    help: 'Filings read from the filings topic or posted over HTTP (redeliveries of recorded batches excluded)',
    registers: [this.registry],
  });

  readonly filings = new Counter({
    name: 'portscore_filings_total',
    help: 'Filings by outcome: accepted, duplicate or rejected (dead-lettered), with the reject reason',
    labelNames: ['outcome', 'reason'] as const,
    registers: [this.registry],
  });

  readonly batchSeconds = new Histogram({
    name: 'portscore_batch_duration_seconds',
    help: 'Time to process one consumed batch, from handing it over to committing it',
    labelNames: ['topic'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });

  readonly batchWait = new Histogram({
    name: 'portscore_batch_wait_seconds',
    help: "How long a consumed batch's first message waited, from its record timestamp to the batch being handed over",
    labelNames: ['topic'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });

  readonly batchSize = new Histogram({
    name: 'portscore_batch_messages',
    help: 'Messages per consumed batch',
    labelNames: ['topic'] as const,
    buckets: [1, 10, 50, 100, 500, 1000, 5000, 10000, 50000],
    registers: [this.registry],
  });

  readonly consumerLag = new Gauge({
    name: 'portscore_consumer_lag',
    help: 'Messages of a partition behind its high watermark after the last batch',
    labelNames: ['topic', 'partition'] as const,
    registers: [this.registry],
  });

  readonly databaseSeconds = new Histogram({
    name: 'portscore_database_write_duration_seconds',
    help: 'Database time of a batch: ingest lookups and records, or the scoring transaction',
    labelNames: ['operation'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });

  readonly eventsScored = new Counter({
    name: 'portscore_events_scored_total',
    help: 'Canonical events scored (an event redelivered after a crash or rebalance counts again)',
    registers: [this.registry],
  });

  readonly eventsQuarantined = new Counter({
    name: 'portscore_events_quarantined_total',
    help: 'Events the scorer failed on repeatedly, on their own, and dead-lettered (scoring_failed)',
    registers: [this.registry],
  });

  readonly windowsRecomputed = new Counter({
    name: 'portscore_windows_recomputed_total',
    help: 'KPI windows recomputed by the scorer',
    registers: [this.registry],
  });

  readonly published = new Counter({
    name: 'portscore_published_total',
    help: 'Indicator and score messages published to their compacted topics',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });

  readonly outage = new Gauge({
    name: 'portscore_outage',
    help: '1 while work is held because the database or broker is unreachable',
    registers: [this.registry],
  });

  readonly failingWork = new Gauge({
    name: 'portscore_failing_work',
    help: 'Streams of work (topic partitions) whose last attempt failed for a reason other than an outage',
    registers: [this.registry],
  });

  readonly windowsWaiting = new Gauge({
    name: 'portscore_open_windows_waiting_events',
    help:
      "Events the scorers still had to read when the scorer's last round of windows under way waited for them " +
      '(more than OPEN_WINDOWS_MAX_BACKLOG); 0 when it went ahead',
    registers: [this.registry],
  });

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry, prefix: 'portscore_' });
  }
}

/** Counts one ingest result: filings received, outcomes by reason, database time. */
export function countIngest(
  metrics: Metrics,
  result: {
    outcomes: unknown[];
    counts: Array<{ outcome: string; reason: string; count: number }>;
    timings: { databaseMs: number };
  },
): void {
  metrics.filingsReceived.inc(result.outcomes.length);
  for (const { outcome, reason, count } of result.counts) metrics.filings.inc({ outcome, reason }, count);
  metrics.databaseSeconds.observe({ operation: 'ingest' }, result.timings.databaseMs / 1000);
}
