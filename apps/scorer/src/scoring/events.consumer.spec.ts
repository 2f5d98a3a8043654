import { Logger } from '@nestjs/common';
import type { CanonicalEvent } from '@portscore/contracts';
import type { IncomingMessage } from '@portscore/messaging';
import { type Metrics, OutageGuard } from '@portscore/runtime';
import type { IndicatorOutbox, ScoreEventsUseCase } from '@portscore/scoring';

import type { FailedEvent } from './event-quarantine';
import { EventsConsumer } from './events.consumer';

function messageAt(offset: number, value?: string): IncomingMessage {
  const event = { source: 'urn:test', id: `e${offset}`, port: 'CNSHA' };
  return {
    topic: 'sw.events.v1',
    partition: 2,
    offset: String(offset),
    key: 'CNSHA',
    value: Buffer.from(value ?? JSON.stringify(event)),
    headers: {},
    rawHeaders: {},
    timestamp: String(Date.now()),
  };
}

describe('EventsConsumer', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(true));

  /** A scorer that fails every batch holding one of the poisoned ids, and `transient` times whatever the batch. */
  const consumerFor = (
    poisoned: string[],
    options: { attempts?: number; baseMs?: number; transient?: number } = {},
  ) => {
    let transient = options.transient ?? 0;
    const calls: string[][] = [];
    const execute = jest.fn(async ({ events }: { events: CanonicalEvent[] }) => {
      calls.push(events.map((e) => e.id));
      if (transient > 0) {
        transient -= 1;
        throw new Error('could not serialize access');
      }
      const bad = events.find((e) => poisoned.includes(e.id));
      if (bad) throw new Error(`value out of range in ${bad.id}`);
      return { eventsScored: events.length, windowsRecomputed: 1, indicatorsChanged: 0, scoresChanged: 0 };
    });
    const deadLettered: FailedEvent[] = [];
    const counters = { scored: 0, quarantined: 0 };
    const guard = new OutageGuard(10);
    const consumer = new EventsConsumer(
      { execute } as unknown as ScoreEventsUseCase,
      { request: jest.fn() } as unknown as IndicatorOutbox,
      guard,
      {
        databaseSeconds: { observe: jest.fn() },
        eventsScored: { inc: (n: number) => (counters.scored += n) },
        eventsQuarantined: { inc: (n: number) => (counters.quarantined += n) },
        windowsRecomputed: { inc: jest.fn() },
      } as unknown as Metrics,
      { ingestMaxAttempts: options.attempts ?? 2, ingestRetryBaseMs: options.baseMs ?? 1 },
      { deadLetter: async (failed) => void deadLettered.push(...failed) },
    );
    return { consumer, calls, deadLettered, counters, guard };
  };

  const batch = (count: number) => Array.from({ length: count }, (_, offset) => messageAt(offset));

  it('scores a batch that succeeds once, dead-lettering nothing', async () => {
    const { consumer, calls, deadLettered, counters } = consumerFor([]);
    await consumer.handle(batch(4));
    expect(calls).toEqual([['e0', 'e1', 'e2', 'e3']]);
    expect(deadLettered).toEqual([]);
    expect(counters).toEqual({ scored: 4, quarantined: 0 });
  });

  it('retries a failing batch, and scores it whole when a later attempt succeeds', async () => {
    const { consumer, calls, deadLettered, counters } = consumerFor([], { attempts: 3, transient: 2 });
    await consumer.handle(batch(3));
    expect(calls).toHaveLength(3);
    expect(deadLettered).toEqual([]);
    expect(counters.scored).toBe(3);
  });

  it('after the last attempt, halves the batch until it finds each event that fails on its own', async () => {
    const { consumer, calls, deadLettered, counters } = consumerFor(['e3', 'e7']);
    await consumer.handle(batch(10));
    // Two attempts of the whole batch, then: 0–4 fails (0–2 scored; 3–4 fails: 3 fails, 4 scored),
    // 5–9 fails (5–7 fails: 5–6 scored, 7 fails; 8–9 scored).
    expect(calls.map((ids) => ids.map((id) => id.slice(1)).join(','))).toEqual([
      '0,1,2,3,4,5,6,7,8,9',
      '0,1,2,3,4,5,6,7,8,9',
      '0,1,2,3,4',
      '0,1,2',
      '3,4',
      '3',
      '4',
      '5,6,7,8,9',
      '5,6,7',
      '5,6',
      '7',
      '8,9',
    ]);
    expect(deadLettered.map((f) => f.message.offset)).toEqual(['3', '7']);
    expect(deadLettered[0]!.detail).toBe(
      'scoring failed 2 times in its batch, then on its own: value out of range in e3',
    );
    expect(counters).toEqual({ scored: 8, quarantined: 2 });
  });

  it('dead-letters a lone event that keeps failing after the attempts, without halving', async () => {
    const { consumer, calls, deadLettered } = consumerFor(['e0'], { attempts: 3 });
    await consumer.handle(batch(1));
    expect(calls).toHaveLength(3);
    expect(deadLettered.map((f) => f.message.offset)).toEqual(['0']);
  });

  it('dead-letters a message that is no JSON object at once, and scores the others in one attempt', async () => {
    const { consumer, calls, deadLettered, counters } = consumerFor([]);
    await consumer.handle([messageAt(0), messageAt(1, '{"source":'), messageAt(2, '[1]'), messageAt(3)]);
    expect(calls).toEqual([['e0', 'e3']]);
    expect(deadLettered.map((f) => [f.message.offset, f.detail.slice(0, 24)])).toEqual([
      ['1', 'not a canonical event: U'],
      ['2', 'not a canonical event: t'],
    ]);
    expect(counters).toEqual({ scored: 2, quarantined: 2 });
  });

  it('ends a wait between attempts at shutdown, leaving the batch uncommitted and nothing dead-lettered', async () => {
    const { consumer, calls, deadLettered, guard } = consumerFor(['e0'], { attempts: 5, baseMs: 60_000 });
    const handled = consumer.handle(batch(1));
    await new Promise((resolve) => setImmediate(resolve));
    guard.stop();
    await expect(handled).rejects.toThrow('left uncommitted, to be redelivered');
    expect(calls).toHaveLength(1);
    expect(deadLettered).toEqual([]);
  });
});
