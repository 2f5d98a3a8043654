import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { KafkaBus } from '@portscore/messaging';
import { DataSource } from 'typeorm';

import { ROOT } from './setup/e2e-environment';
import { startDatabase, stopDatabase } from './support/infrastructure';
import { mixedStream } from './support/mixed-stream';
import { type RunningStack, startStack, waitUntil, waitUntilDigested } from './support/stack';

/** One scrape of a service's /metrics: sample name with its labels → value. */
async function scrape(base: string): Promise<Map<string, number>> {
  const response = await fetch(`${base}/metrics`);
  expect(response.headers.get('content-type')).toContain('text/plain');
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    const [, metric, labels = ''] = /^([^{]+)(?:\{(.*)\})?$/.exec(line.slice(0, at))!;
    // The service label is on every sample; leave it out of the key.
    const kept = (labels.match(/[a-z_]+="[^"]*"/g) ?? []).filter((label) => !label.startsWith('service='));
    samples.set(kept.length > 0 ? `${metric}{${kept.join(',')}}` : metric!, Number(line.slice(at + 1)));
  }
  return samples;
}

/**
 * What operators see: Prometheus counters that move by exactly the traffic sent, consumer lag,
 * batch and database timings, JSON log lines naming the event and port, readiness that turns
 * unready while PostgreSQL is stopped and ready again after, and a Grafana dashboard whose every
 * query names a metric the services export.
 */
describe('operations: metrics, logs, health (real Kafka and PostgreSQL)', () => {
  let stack: RunningStack;
  let bus: KafkaBus;
  let database: DataSource;

  beforeAll(async () => {
    // Nothing published by the clock between reading the scorer's counters and the topics.
    stack = await startStack('ops', 3928, { OPEN_WINDOWS_EVERY_SECONDS: '0' });
    bus = new KafkaBus({ brokers: stack.brokers.split(','), clientId: 'portscore-test-ops' });
    database = await new DataSource({ type: 'postgres', url: stack.databaseUrl }).initialize();
  });

  afterAll(async () => {
    await startDatabase().catch(() => undefined);
    await Promise.allSettled([bus?.disconnect(), database?.destroy()]);
    await stack?.stop();
  });

  it('counts filings, outcomes, reasons, scored events and published indicators exactly', async () => {
    const before = await scrape(stack.http.gateway);
    expect(before.get('portscore_filings_received_total')).toBe(0);

    const stream = mixedStream(400, 60, 15, 25);
    const publishedAt = Date.now();
    await bus.publish(stack.topics.filings, stream.messages);
    await waitUntilDigested(stack, { query: (sql) => database.query(sql) }, 500);
    const digestedSeconds = (Date.now() - publishedAt) / 1000;

    const gateway = await scrape(stack.http.gateway);
    expect(gateway.get('portscore_filings_received_total')).toBe(500);
    expect(gateway.get('portscore_filings_total{outcome="accepted",reason=""}')).toBe(400);
    expect(gateway.get('portscore_filings_total{outcome="duplicate",reason=""}')).toBe(60);
    for (const [reason, n] of Object.entries(stream.expected.byReason)) {
      expect([reason, gateway.get(`portscore_filings_total{outcome="rejected",reason="${reason}"}`)]).toEqual([
        reason,
        n,
      ]);
    }
    // Every partition of the filings topic was read to its end.
    const lags = [...gateway].filter(([name]) => name.startsWith('portscore_consumer_lag{'));
    expect(lags.length).toBeGreaterThan(0);
    expect(lags.every(([name, value]) => name.includes(`topic="${stack.topics.filings}"`) && value === 0)).toBe(true);
    const batches = gateway.get(`portscore_batch_duration_seconds_count{topic="${stack.topics.filings}"}`)!;
    expect(batches).toBeGreaterThan(0);
    // Every batch's first filing waited from its publish to its batch: more than nothing, less than it all took.
    expect(gateway.get(`portscore_batch_wait_seconds_count{topic="${stack.topics.filings}"}`)).toBe(batches);
    const waited = gateway.get(`portscore_batch_wait_seconds_sum{topic="${stack.topics.filings}"}`)!;
    expect(waited).toBeGreaterThan(0);
    expect(waited / batches).toBeLessThan(digestedSeconds);
    expect(gateway.get('portscore_database_write_duration_seconds_count{operation="ingest"}')).toBeGreaterThan(0);
    expect(gateway.get('portscore_process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
    expect(gateway.get('portscore_outage')).toBe(0);

    const scorer = await scrape(stack.http.scorer);
    expect(scorer.get('portscore_events_scored_total')).toBe(400);
    expect(scorer.get('portscore_database_write_duration_seconds_count{operation="score"}')).toBeGreaterThan(0);
    const indicatorMessages = await bus.readToEnd(stack.topics.indicators);
    const scoreMessages = await bus.readToEnd(stack.topics.scores);
    expect(indicatorMessages.length).toBeGreaterThan(0);
    expect(scorer.get(`portscore_published_total{topic="${stack.topics.indicators}"}`)).toBe(indicatorMessages.length);
    expect(scorer.get(`portscore_published_total{topic="${stack.topics.scores}"}`)).toBe(scoreMessages.length);
  });

  it('logs JSON lines that name the event and port of a dead-lettered filing', () => {
    const lines = readFileSync(join(ROOT, 'test-artifacts/logs/ops-gateway.log'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.every((line) => line.service === 'gateway' && typeof line.time === 'string')).toBe(true);
    // mixedStream's first conflict re-sends mix-5 (port CNAKA) with another time.
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        msg: 'filing dead-lettered',
        eventId: 'mix-5',
        port: 'CNAKA',
        reason: 'conflict',
      }),
    );
  });

  it('dead-letters an event the scorer keeps failing on, scores the rest of its batch, and re-drives it after the fix', async () => {
    // A real failure inside the scoring transaction, for one event only: storing its milestone.
    await database.query(`CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused by a test trigger: %', split_part(NEW.event_key, ' ', 2); END $$`);
    await database.query(`CREATE TRIGGER refuse_poison BEFORE INSERT ON case_milestone FOR EACH ROW
      WHEN (NEW.event_key = 'urn:test:quarantine poison-1') EXECUTE FUNCTION refuse_poison()`);
    const ids = ['q-1', 'q-2', 'poison-1', 'q-3'];
    await bus.publish(
      stack.topics.filings,
      ids.map((id, n) => ({
        key: 'CNSHA',
        headers: { 'content-type': 'application/cloudevents+json' },
        value: JSON.stringify({
          specversion: '1.0',
          id,
          source: 'urn:test:quarantine',
          type: 'sw.permit.applied.v1',
          time: '2026-10-13T08:00:00+08:00',
          port: 'CNSHA',
          data: { permitId: `Q${n}`, kind: 'food', channel: 'electronic' },
        }),
      })),
    );
    // INGEST_MAX_ATTEMPTS (5) attempts with waits of 0.5, 1, 2 and 4 s, then the halves.
    await waitUntil('the scorer dead-letters the event it fails on', 60_000, async () => {
      const rows = await database.query(`SELECT 1 FROM dead_letter WHERE reason = 'scoring_failed'`);
      return rows.length > 0;
    });
    const [letter] = (await database.query(
      `SELECT origin, port, source, event_id, detail FROM dead_letter WHERE reason = 'scoring_failed'`,
    )) as Array<{ origin: string; port: string; source: string; event_id: string; detail: string }>;
    expect(letter).toMatchObject({ port: 'CNSHA', source: 'urn:test:quarantine', event_id: 'poison-1' });
    expect(letter!.origin.startsWith(`${stack.topics.events}/`)).toBe(true);
    expect(letter!.detail).toMatch(
      /^scoring failed 5 times in its batch, then on its own: .*refused by a test trigger: poison-1/,
    );
    // Each of these events is the first milestone of a permit of its own.
    const stored = async () =>
      (
        (await database.query(
          `SELECT split_part(event_key, ' ', 2) AS id FROM case_milestone
            WHERE event_key LIKE 'urn:test:quarantine %' ORDER BY id`,
        )) as Array<{ id: string }>
      ).map((row) => row.id);
    expect(await stored()).toEqual(['q-1', 'q-2', 'q-3']);
    // The gateway stored all four as it accepted them.
    const accepted = (await database.query(
      `SELECT id FROM event WHERE source = 'urn:test:quarantine' ORDER BY id`,
    )) as Array<{ id: string }>;
    expect(accepted.map((row) => row.id)).toEqual(['poison-1', 'q-1', 'q-2', 'q-3']);

    const [onTopic] = (await bus.readToEnd(stack.topics.deadLetters)).filter(
      (m) => m.headers['x-reject-reason'] === 'scoring_failed',
    );
    expect(onTopic!.headers['x-origin']).toBe(letter!.origin);
    expect(JSON.parse(onTopic!.value.toString('utf8'))).toMatchObject({ id: 'poison-1', port: 'CNSHA' });
    const scorer = await scrape(stack.http.scorer);
    expect(scorer.get('portscore_events_quarantined_total')).toBe(1);
    expect(scorer.get('portscore_events_scored_total')).toBe(403);
    expect(scorer.get('portscore_failing_work')).toBe(0);

    const logged = readFileSync(join(ROOT, 'test-artifacts/logs/ops-scorer.log'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 'error',
        msg: 'event dead-lettered',
        eventId: 'poison-1',
        port: 'CNSHA',
        reason: 'scoring_failed',
        origin: letter!.origin,
      }),
    );

    // The fix, then the re-drive: back to the events topic, scored like any event.
    await database.query('DROP TRIGGER refuse_poison ON case_milestone');
    await database.query('DROP FUNCTION refuse_poison()');
    expect(stack.cli(['dlq', 'redrive', '--reason', 'scoring_failed'])).toContain(
      `re-drove 1 dead letters with reason scoring_failed to ${stack.topics.events}`,
    );
    await waitUntil('the re-driven event is scored', 30_000, async () => (await stored()).includes('poison-1'));
    expect(await stored()).toEqual(['poison-1', 'q-1', 'q-2', 'q-3']);
  });

  it('turns unready while PostgreSQL is stopped and ready again after, without restarting', async () => {
    const pids = [stack.processes.gateway.pid, stack.processes.scorer.pid];
    await stopDatabase();
    try {
      await waitUntil('the gateway reports itself unready', 20_000, async () => {
        const response = await fetch(`${stack.http.gateway}/ready`);
        if (response.status !== 503) return false;
        const body = (await response.json()) as { details: Record<string, { status: string }> };
        return body.details.database?.status === 'down' && body.details.kafka?.status === 'up';
      });
      const health = await fetch(`${stack.http.scorer}/health`);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { status: string }).status).toBe('degraded');
    } finally {
      await startDatabase();
    }
    await waitUntil(
      'the gateway is ready again',
      60_000,
      async () => (await fetch(`${stack.http.gateway}/ready`)).status === 200,
    );
    await waitUntil(
      'the scorer is ready again',
      60_000,
      async () => (await fetch(`${stack.http.scorer}/ready`)).status === 200,
    );
    expect([stack.processes.gateway.pid, stack.processes.scorer.pid]).toEqual(pids);
    expect(stack.processes.gateway.exitCode).toBeNull();
    expect(stack.processes.scorer.exitCode).toBeNull();
  });

  it('re-applies the stored catalogue as a no-op (jsonb key order does not make it "other content")', () => {
    expect(stack.cli(['catalogue', 'apply', join(ROOT, 'seeds/catalogue.json')])).toContain(
      'catalogue 2024.1 was already in force',
    );
  });

  it('has a Grafana dashboard whose every query uses a metric the services export', async () => {
    const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/portscore-dashboard.json'), 'utf8')) as {
      panels: Array<{ targets: Array<{ expr: string }> }>;
    };
    const used = new Set(
      dashboard.panels
        .flatMap((panel) => panel.targets.map((target) => target.expr))
        .flatMap((expr) => expr.match(/portscore_[a-z0-9_]+/g) ?? [])
        .map((name) => name.replace(/_(bucket|count|sum)$/, '')),
    );
    const exported = new Set<string>();
    for (const base of Object.values(stack.http)) {
      for (const name of (await scrape(base)).keys()) {
        exported.add(name.replace(/\{.*$/, '').replace(/_(bucket|count|sum)$/, ''));
      }
    }
    expect(used.size).toBeGreaterThan(8);
    expect([...used].filter((name) => !exported.has(name))).toEqual([]);
  });
});
