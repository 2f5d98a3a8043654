import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IndicatorMessage, ScoreMessage } from '@portscore/catalogue';
import { serviceArguments } from '@portscore/config';
import { KafkaBus } from '@portscore/messaging';
import { DataSource } from 'typeorm';

import { ROOT } from './setup/e2e-environment';
import { close, type GoldenExpected, latestByKey, storedIndicators } from './support/results';
import { type RunningStack, startStack, waitUntil, waitUntilDigested } from './support/stack';

async function scoredBy(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(/^portscore_events_scored_total\{[^}]*\} (\d+)$/m.exec(text)![1]);
}

/**
 * Horizontal scale: two scorer processes in one consumer group share the partitions of the
 * events topic (keyed by port) and together give exactly the golden indicators and scores that
 * the independent reference computed for one engine — in the database and on the topics.
 */
describe('two scorers in one consumer group (real Kafka and PostgreSQL)', () => {
  let stack: RunningStack;
  let bus: KafkaBus;
  let database: DataSource;
  const secondScorer = 'http://127.0.0.1:6929';

  beforeAll(async () => {
    stack = await startStack('scale', 3929, { TOPIC_PARTITIONS: '6' });
    const second = spawn(process.execPath, serviceArguments('scorer', ROOT), {
      env: { ...stack.env, SCORER_HTTP_PORT: '6929' },
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(join(ROOT, 'test-artifacts/logs/scale-scorer-2.log'), { flags: 'a' });
    second.stdout!.pipe(log);
    second.stderr!.pipe(log);
    stack.processes['scorer-2' as 'scorer'] = second;
    await waitUntil('the second scorer is ready', 60_000, async () => (await fetch(`${secondScorer}/ready`)).ok);
    bus = new KafkaBus({ brokers: stack.brokers.split(','), clientId: 'portscore-test-scale' });
    database = await new DataSource({ type: 'postgres', url: stack.databaseUrl }).initialize();
  });

  afterAll(async () => {
    await Promise.allSettled([bus?.disconnect(), database?.destroy()]);
    await stack?.stop();
  });

  it('shares the work and yields the golden indicators and scores', async () => {
    const lines = readFileSync(join(ROOT, 'test/golden/events.ndjson'), 'utf8').trim().split('\n');
    // Let the group settle on both members before traffic arrives.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    for (let start = 0; start < lines.length; start += 500) {
      await bus.publish(
        stack.topics.filings,
        lines.slice(start, start + 500).map((line) => ({
          key: (JSON.parse(line) as { port: string }).port,
          value: line,
          headers: { 'content-type': 'application/cloudevents+json' },
        })),
      );
    }
    await waitUntilDigested(stack, { query: (sql) => database.query(sql) }, lines.length);

    // Both members took part; together they stored every event once.
    const stored = Number((await database.query('SELECT count(*) AS n FROM event'))[0].n);
    const [first, second] = [await scoredBy(stack.http.scorer), await scoredBy(secondScorer)];
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(0);
    expect(first + second).toBe(stored);

    const expected = JSON.parse(readFileSync(join(ROOT, 'test/golden/expected.json'), 'utf8')) as GoldenExpected;
    const indicators = latestByKey<IndicatorMessage>(await bus.readToEnd(stack.topics.indicators));
    const inDatabase = await storedIndicators(database);
    const mismatches = Object.entries(expected.indicators).flatMap(([key, want]) =>
      [
        ['topic', indicators.get(key)],
        ['database', inDatabase.get(key)],
      ]
        .filter(
          ([, got]) =>
            !got ||
            (got as IndicatorMessage).samples !== want.samples ||
            (got as IndicatorMessage).scored !== want.scored ||
            !close((got as IndicatorMessage).value, want.value) ||
            !close((got as IndicatorMessage).attainment, want.attainment),
        )
        .map(([where, got]) => `${where} ${key}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`),
    );
    expect(mismatches.slice(0, 5)).toEqual([]);
    const scores = latestByKey<ScoreMessage>(await bus.readToEnd(stack.topics.scores));
    const scoreMismatches = Object.entries(expected.scores)
      .filter(([key, want]) => !scores.has(key) || !close(scores.get(key)!.score, want))
      .map(([key, want]) => `${key}: expected ${want}, got ${scores.get(key)?.score}`);
    expect(scoreMismatches.slice(0, 5)).toEqual([]);
  });
});
