import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  type Catalogue,
  type IndicatorMessage,
  MeasureCatalogue,
  offsetMinutes,
  type ScoreMessage,
} from '@portscore/catalogue';
import { type CanonicalEvent, FilingValidator, type Port, PortRegistry } from '@portscore/contracts';
import { KafkaBus, type OutgoingMessage } from '@portscore/messaging';
import { fixedCatalogue, InMemoryScoringStore, ScoreEventsUseCase } from '@portscore/scoring';
import { mulberry32, simulate } from '@portscore/simulator';
import { DataSource } from 'typeorm';

import { ROOT } from './setup/e2e-environment';
import { close, latestByKey, storedIndicators } from './support/results';
import { restartBroker, startDatabase, stopDatabase } from './support/infrastructure';
import { type RunningStack, type Service, startStack, waitUntil, waitUntilDigested } from './support/stack';

const STRUCTURED = { 'content-type': 'application/cloudevents+json' };
const catalogue = new MeasureCatalogue(
  JSON.parse(readFileSync(join(ROOT, 'seeds/catalogue.json'), 'utf8')) as Catalogue,
);
const portList = (JSON.parse(readFileSync(join(ROOT, 'seeds/ports.json'), 'utf8')) as { ports: Port[] }).ports;
const ports = new PortRegistry(portList);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => process.stderr.write(`[faults] ${new Date().toISOString().slice(11, 23)} ${line}\n`);

/** 40 ports × 40 days of simulator traffic (213,887 filings), with a malformed filing after every 997th. */
function input(): OutgoingMessage[] {
  const end = new Date('2026-11-20T00:00:00Z');
  const filings = simulate({
    ports: portList
      .slice(0, 40)
      .map((p) => ({ id: p.id, kind: p.kind, offsetMinutes: offsetMinutes(end, p.timeZone) })),
    days: 40,
    end,
    seed: 7,
  });
  const messages: OutgoingMessage[] = [];
  filings.forEach((filing, n) => {
    const value = JSON.stringify(filing);
    messages.push({ key: filing.port, value, headers: STRUCTURED });
    if (n % 997 !== 996) return;
    const bad = [
      value.slice(0, value.length / 2), // truncated JSON
      JSON.stringify({ ...filing, id: `${filing.id}-x`, port: 'XXNOPE' }), // unknown port
      JSON.stringify({ ...filing, id: `${filing.id}-y`, data: {} }), // fields missing
      Buffer.concat([Buffer.from(value.slice(0, 40)), Buffer.from([0xc3, 0x28]), Buffer.from(value.slice(40))]), // invalid UTF-8
    ][Math.floor(n / 997) % 4]!;
    messages.push({ key: filing.port, value: bad, headers: STRUCTURED });
  });
  return messages;
}

/**
 * Fault injection over the real stack: while 200,000+ simulated filings flow, the gateway and the
 * scorer are killed with SIGKILL six times at random moments, the broker is restarted once and
 * PostgreSQL is stopped for 20 seconds. Afterwards every indicator and score — in the database
 * and as the latest value per key on the compacted topics — must equal a clean run of the
 * scoring engine over the same events, and the ingest accounting must be exact: every filing on
 * the input topic accepted once, counted as a duplicate, or dead-lettered once.
 */
describe('fault injection: kills, a broker restart and a database outage under load', () => {
  let stack: RunningStack;
  let bus: KafkaBus;
  let stopped = false;

  beforeAll(async () => {
    // The results are compared key for key with the engine's run over the same events, which
    // scores no window by the clock: none under way (OPEN_WINDOWS_EVERY_SECONDS) and none that a
    // status report dated in the past reaches only through the look-back from now
    // (OPEN_WINDOWS_LOOKBACK_DAYS; both in test/scoring.e2e-spec.ts and the unit tests).
    stack = await startStack('faults', 3926, {
      INGEST_RETRY_BASE_MS: '250',
      OPEN_WINDOWS_EVERY_SECONDS: '0',
      OPEN_WINDOWS_LOOKBACK_DAYS: '0',
    });
    bus = new KafkaBus({ brokers: stack.brokers.split(','), clientId: 'portscore-test-faults' });
  });

  afterAll(async () => {
    stopped = true;
    await startDatabase().catch(() => undefined);
    await bus?.disconnect();
    await stack?.stop();
  });

  it('loses nothing and counts nothing twice', async () => {
    const messages = input();
    expect(messages.length).toBeGreaterThan(214_000);

    // The publisher: 1,500 filings a second; a slice that fails (broker away) is sent again.
    let published = 0;
    let publishing = true;
    const began = Date.now();
    const publisher = (async () => {
      for (let start = 0; start < messages.length && !stopped; start += 1000) {
        const slice = messages.slice(start, start + 1000);
        while (!stopped) {
          try {
            await bus.publish(stack.topics.filings, slice);
            break;
          } catch (error) {
            log(`publish failed (${(error as Error).message}); retrying the slice`);
            await sleep(1000);
          }
        }
        published += slice.length;
        await sleep(Math.max(0, began + published / 1.5 - Date.now()));
      }
      publishing = false;
      log(`published all ${messages.length} filings`);
    })();

    // The faults, at seeded random moments while the publisher runs.
    const random = mulberry32(2026);
    const kill = async (service: Service) => {
      const child = stack.processes[service];
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      log(`killed the ${service} (SIGKILL) at ${published} published`);
      await sleep(500 + random() * 1500);
      stack.launch(service);
      await waitUntil(
        `the restarted ${service} is ready`,
        120_000,
        async () => (await fetch(`${stack.http[service]}/ready`)).ok,
      );
    };
    const faults: string[] = [];
    const pause = () => sleep(2000 + random() * 3000);
    for (const service of ['gateway', 'scorer', 'gateway'] as const) {
      await pause();
      await kill(service);
      faults.push(`kill ${service}`);
    }
    await pause();
    log('restarting the broker');
    await restartBroker(2000);
    log('broker back');
    faults.push('broker restart');
    await pause();
    await kill('scorer');
    faults.push('kill scorer');
    await pause();
    log('stopping PostgreSQL for 20 s');
    await stopDatabase();
    await sleep(5000);
    // Paused, not crashed: the consumers hold their batches and report it.
    const degraded = (await (await fetch(`${stack.http.gateway}/health`)).json()) as {
      status: string;
      problems: string[];
    };
    const unready = (await fetch(`${stack.http.scorer}/ready`)).status;
    await sleep(15_000);
    await startDatabase();
    log('PostgreSQL back');
    faults.push('database stopped 20 s');
    expect(degraded.status).toBe('degraded');
    expect(degraded.problems).toContainEqual(expect.stringMatching(/^database: /));
    expect(unready).toBe(503);
    for (const service of ['gateway', 'scorer'] as const) {
      await pause();
      await kill(service);
      faults.push(`kill ${service}`);
    }
    expect(publishing).toBe(true); // every fault happened while filings were still flowing
    await publisher;
    expect(faults.filter((f) => f.startsWith('kill'))).toHaveLength(6);
    for (const service of ['gateway', 'scorer', 'api'] as const) expect(stack.processes[service].exitCode).toBeNull();

    // What was actually offered: the input topic, replays of failed slices included.
    const offered = await bus.readToEnd(stack.topics.filings, 120_000);
    const validator = new FilingValidator({ ports, maxBytes: 1 << 20, maxFutureMs: 300_000 });
    const distinct = new Map<string, CanonicalEvent>();
    let bad = 0;
    for (const message of offered) {
      try {
        const event = validator.validate({ value: message.value, headers: message.headers });
        const key = `${event.source} ${event.id}`;
        if (!distinct.has(key)) distinct.set(key, event);
      } catch {
        bad += 1;
      }
    }
    log(`offered ${offered.length} filings: ${distinct.size} distinct events, ${bad} malformed`);
    expect(bad).toBeGreaterThanOrEqual(214);
    expect(distinct.size).toBeGreaterThan(200_000);

    const database = await new DataSource({ type: 'postgres', url: stack.databaseUrl }).initialize();
    try {
      await waitUntilDigested(stack, database, offered.length, 600_000);
      const counts = Object.fromEntries(
        (
          (await database.query('SELECT outcome, sum(count)::int AS n FROM ingest_count GROUP BY outcome')) as Array<{
            outcome: string;
            n: number;
          }>
        ).map((row) => [row.outcome, row.n]),
      );
      expect(counts).toEqual({
        accepted: distinct.size,
        duplicate: offered.length - distinct.size - bad,
        rejected: bad,
      });
      const deadLetters = await database.query('SELECT count(*)::int AS n FROM dead_letter');
      expect(deadLetters[0].n).toBe(bad);
      // The dead-letter topic may repeat a record a killed gateway sent but had not committed;
      // each offered filing appears there at most once by origin, and every bad one does.
      const dlq = await bus.readToEnd(stack.topics.deadLetters, 120_000);
      expect(new Set(dlq.map((m) => m.headers['x-origin'])).size).toBe(bad);
      const stored = await database.query('SELECT count(*)::int AS n FROM event');
      expect(stored[0].n).toBe(distinct.size);

      // The clean run: the scoring engine over the same distinct events, no faults.
      const clean = new InMemoryScoringStore();
      const engine = new ScoreEventsUseCase(clean, fixedCatalogue(catalogue), ports);
      const events = [...distinct.values()];
      for (let start = 0; start < events.length; start += 20_000) {
        await engine.execute({ events: events.slice(start, start + 20_000) });
      }
      const wantIndicators = new Map<string, [number | null, number, boolean, number | null]>();
      for (const [key, { indicator }] of clean.indicators) {
        if (indicator.samples > 0)
          wantIndicators.set(key, [indicator.value, indicator.samples, indicator.scored, indicator.attainment]);
      }
      const wantScores = new Map<string, number | null>();
      for (const [key, { message }] of clean.scores) wantScores.set(key, message.score);
      log(`clean run: ${wantIndicators.size} indicators, ${wantScores.size} scores`);
      expect(wantIndicators.size).toBeGreaterThan(20_000);

      const differences = (
        what: string,
        want: Map<string, unknown>,
        got: Map<string, unknown>,
        same: (a: unknown, b: unknown) => boolean,
      ) =>
        [...new Set([...want.keys(), ...got.keys()])]
          .filter((key) => !same(want.get(key), got.get(key)))
          .slice(0, 5)
          .map((key) => `${what} ${key}: clean ${JSON.stringify(want.get(key))}, got ${JSON.stringify(got.get(key))}`);
      const sameIndicator = (a: unknown, b: unknown) => {
        type Row = [number | null, number, boolean, number | null] | undefined;
        const [x, y] = [a as Row, b as Row];
        if (!x || !y) return x === y;
        return close(x[0], y[0]) && x[1] === y[1] && x[2] === y[2] && close(x[3], y[3]);
      };
      const sameScore = (a: unknown, b: unknown) =>
        a === undefined || b === undefined ? a === b : close(a as number | null, b as number | null);

      // In the database.
      const inDatabase = new Map(
        [...(await storedIndicators(database, true))].map(([key, i]) => [
          key,
          [i.value, i.samples, i.scored, i.attainment],
        ]),
      );
      expect(differences('indicator', wantIndicators, inDatabase, sameIndicator)).toEqual([]);
      const scoreRows: Array<{ key: string; score: number | null }> = await database.query(
        `SELECT port || '|' || CASE WHEN measure = 0 THEN 'index' ELSE 'm' || measure END || '|' || grain || '|' || window_start_text AS key, score
           FROM score`,
      );
      expect(differences('score', wantScores, new Map(scoreRows.map((r) => [r.key, r.score])), sameScore)).toEqual([]);

      // On the compacted topics: the latest value per key, what a subscriber ends up with.
      const topicIndicators = new Map<string, unknown>();
      for (const [key, m] of latestByKey<IndicatorMessage>(await bus.readToEnd(stack.topics.indicators, 120_000))) {
        if (m.samples > 0) topicIndicators.set(key, [m.value, m.samples, m.scored, m.attainment]);
      }
      expect(differences('indicator on topic', wantIndicators, topicIndicators, sameIndicator)).toEqual([]);
      const topicScores = new Map<string, unknown>();
      for (const [key, m] of latestByKey<ScoreMessage>(await bus.readToEnd(stack.topics.scores, 120_000)))
        topicScores.set(key, m.score);
      expect(differences('score on topic', wantScores, topicScores, sameScore)).toEqual([]);
    } finally {
      await database.destroy();
    }
  }, 1_200_000);
});
