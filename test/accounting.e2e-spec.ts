import { KafkaBus } from '@portscore/messaging';
import { DataSource } from 'typeorm';

import { mixedStream } from './support/mixed-stream';
import { type RunningStack, startStack, waitUntil } from './support/stack';
import { TopicReader } from './support/topic-reader';

/** Nothing is lost: over a mixed stream, inputs = accepted + duplicates + dead-lettered, exactly. */
describe('ingest accounting over 10,000 filings (real Kafka and PostgreSQL)', () => {
  let stack: RunningStack;
  let bus: KafkaBus;
  let events: TopicReader;
  let deadLetters: TopicReader;
  let database: DataSource;

  beforeAll(async () => {
    stack = await startStack('accounting', 3919);
    bus = new KafkaBus({ brokers: stack.brokers.split(','), clientId: 'portscore-test-accounting' });
    events = await TopicReader.open(stack.brokers, stack.topics.events);
    deadLetters = await TopicReader.open(stack.brokers, stack.topics.deadLetters);
    database = await new DataSource({ type: 'postgres', url: stack.databaseUrl }).initialize();
  });

  afterAll(async () => {
    await Promise.allSettled([events?.close(), deadLetters?.close(), bus?.disconnect(), database?.destroy()]);
    await stack?.stop();
  });

  it('accounts for every one of 10,000 mixed filings', async () => {
    const stream = mixedStream(8000, 1200, 300, 500);
    expect(stream.messages).toHaveLength(10_000);
    for (let start = 0; start < stream.messages.length; start += 1000) {
      await bus.publish(stack.topics.filings, stream.messages.slice(start, start + 1000));
    }
    const totals = async () => {
      const rows: Array<{ outcome: string; reason: string; count: string }> = await database.query(
        'SELECT outcome, reason, count FROM ingest_count',
      );
      return rows.reduce((sum, row) => sum + Number(row.count), 0);
    };
    await waitUntil('the gateway has counted 10,000 filings', 90_000, async () => (await totals()) === 10_000);
    await waitUntil(
      'every event and dead letter is on its topic',
      30_000,
      () =>
        events.messages.length >= stream.expected.accepted && deadLetters.messages.length >= stream.expected.rejected,
    );

    const rows: Array<{ outcome: string; reason: string; count: string }> = await database.query(
      'SELECT outcome, reason, count FROM ingest_count ORDER BY outcome, reason',
    );
    const counted = Object.fromEntries(
      rows.map((row) => [`${row.outcome}${row.reason ? `:${row.reason}` : ''}`, Number(row.count)]),
    );
    expect(counted).toEqual({
      accepted: 8000,
      duplicate: 1200,
      ...Object.fromEntries(Object.entries(stream.expected.byReason).map(([reason, n]) => [`rejected:${reason}`, n])),
    });
    // The topics agree with the counters: each accepted filing once, each rejected one once.
    expect(events.messages).toHaveLength(8000);
    expect(new Set(events.messages.map((m) => (JSON.parse(m.value.toString('utf8')) as { id: string }).id)).size).toBe(
      8000,
    );
    expect(deadLetters.messages).toHaveLength(800);
    expect(events.messages.length + stream.expected.duplicates + deadLetters.messages.length).toBe(
      stream.messages.length,
    );
  });
});
