import { readFileSync } from 'node:fs';

import { KafkaBus } from '@portscore/messaging';
import { DataSource } from 'typeorm';

import { hostileCorpus } from './support/hostile-corpus';
import { type RunningStack, startStack, waitUntil } from './support/stack';
import { TopicReader } from './support/topic-reader';

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

/** Hostile input through the real gateway: every filing dead-lettered with its reason or accepted; no crash. */
describe('hostile corpus end to end (real Kafka and PostgreSQL)', () => {
  let stack: RunningStack;
  let bus: KafkaBus;
  let deadLetters: TopicReader;
  let events: TopicReader;
  let database: DataSource;

  beforeAll(async () => {
    stack = await startStack('hostile', 3924);
    bus = new KafkaBus({ brokers: stack.brokers.split(','), clientId: 'portscore-test-hostile' });
    deadLetters = await TopicReader.open(stack.brokers, stack.topics.deadLetters);
    events = await TopicReader.open(stack.brokers, stack.topics.events);
    database = await new DataSource({ type: 'postgres', url: stack.databaseUrl }).initialize();
  });

  afterAll(async () => {
    await Promise.allSettled([deadLetters?.close(), events?.close(), bus?.disconnect(), database?.destroy()]);
    await stack?.stop();
  });

  it('dead-letters every hostile filing with its reason, accepts the valid ones, and keeps running', async () => {
    const corpus = hostileCorpus();
    const gateway = stack.processes.gateway!;
    const before = rssMb(gateway.pid!);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(gateway.pid!))), 50);
    for (const filing of corpus) await bus.publish(stack.topics.filings, [filing.message]);
    const total = async () =>
      Number((await database.query('SELECT coalesce(sum(count), 0) AS n FROM ingest_count'))[0].n);
    await waitUntil(`the gateway handled all ${corpus.length}`, 120_000, async () => (await total()) === corpus.length);
    clearInterval(sampler);

    const rejected = corpus.filter((c) => !['accepted', 'duplicate'].includes(c.expect));
    await waitUntil('every dead letter is on the topic', 30_000, () => deadLetters.messages.length === rejected.length);
    const reasons = new Map(deadLetters.messages.map((m) => [m.headers['x-case'], m.headers['x-reject-reason']]));
    const mismatches = rejected
      .filter((c) => reasons.get(c.name) !== c.expect)
      .map((c) => `${c.name}: expected ${c.expect}, got ${reasons.get(c.name)}`);
    expect(mismatches).toEqual([]);
    for (const letter of deadLetters.messages) {
      const original = corpus.find((c) => c.name === letter.headers['x-case'])!;
      const bytes = Buffer.isBuffer(original.message.value)
        ? original.message.value
        : Buffer.from(original.message.value ?? '');
      expect(letter.value.equals(bytes)).toBe(true);
    }
    await waitUntil(
      'accepted events are forwarded',
      30_000,
      () => events.messages.length === corpus.filter((c) => c.expect === 'accepted').length,
    );
    const counts: Array<{ outcome: string; n: string }> = await database.query(
      'SELECT outcome, sum(count) AS n FROM ingest_count GROUP BY outcome',
    );
    expect(Object.fromEntries(counts.map((c) => [c.outcome, Number(c.n)]))).toEqual({
      accepted: corpus.filter((c) => c.expect === 'accepted').length,
      duplicate: corpus.filter((c) => c.expect === 'duplicate').length,
      rejected: rejected.length,
    });
    // The gateway is still up, and its memory stayed bounded.
    expect(gateway.exitCode).toBeNull();
    expect(peak).toBeLessThan(600);
    console.log(
      `hostile corpus: ${corpus.length} filings; gateway RSS ${before.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB`,
    );
  });
});
