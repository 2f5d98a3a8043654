import { Logger } from '@nestjs/common';
import type { PortscoreConfig } from '@portscore/config';
import type { IngestFilingsUseCase } from '@portscore/ingest';
import type { IncomingMessage } from '@portscore/messaging';
import { MAX_RETRY_WAIT_MS, type Metrics, OutageGuard, retryWaitMs } from '@portscore/runtime';

import { FilingsConsumer } from './filings.consumer';

describe('retryWaitMs', () => {
  it('doubles the base after each failed attempt', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => retryWaitMs(attempt, 500))).toEqual([500, 1000, 2000, 4000, 8000]);
  });

  it(`never waits longer than ${MAX_RETRY_WAIT_MS} ms, however large the base or the attempt`, () => {
    expect(MAX_RETRY_WAIT_MS).toBe(30_000);
    expect(retryWaitMs(1, 60_000)).toBe(MAX_RETRY_WAIT_MS);
    expect(retryWaitMs(7, 500)).toBe(MAX_RETRY_WAIT_MS);
    // 2^39 ms would overflow setTimeout, which then fires after 1 ms.
    expect(retryWaitMs(40, 1)).toBe(MAX_RETRY_WAIT_MS);
    expect(retryWaitMs(100, 60_000)).toBe(MAX_RETRY_WAIT_MS);
  });
});

describe('FilingsConsumer', () => {
  const message: IncomingMessage = {
    topic: 'sw.filings.v1',
    partition: 0,
    offset: '7',
    key: 'CNSHA',
    value: Buffer.from('{}'),
    headers: {},
    rawHeaders: {},
    timestamp: String(Date.now()),
  };

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(true));

  const consumerFor = (settings: Pick<PortscoreConfig, 'ingestMaxAttempts' | 'ingestRetryBaseMs'>) => {
    const ingest = {
      execute: jest.fn().mockRejectedValue(new Error('deadlock detected')),
      deadLetterAll: jest.fn().mockResolvedValue(1),
    };
    const guard = new OutageGuard(10);
    const counter = { inc: jest.fn() };
    const consumer = new FilingsConsumer(
      ingest as unknown as IngestFilingsUseCase,
      { ...settings, kafkaClientId: 'portscore' } as PortscoreConfig,
      guard,
      { filingsReceived: counter, filings: counter } as unknown as Metrics,
    );
    return { consumer, ingest, guard };
  };

  it('ends a wait between attempts at shutdown, leaving the batch uncommitted and not dead-lettered', async () => {
    const { consumer, ingest, guard } = consumerFor({ ingestMaxAttempts: 5, ingestRetryBaseMs: 60_000 });
    const handled = consumer.handle([message]);
    await new Promise((resolve) => setImmediate(resolve));
    const started = Date.now();
    // SIGTERM stops the guard first (consumer-service), which ends its waits.
    guard.stop();
    await expect(handled).rejects.toThrow('the batch at sw.filings.v1/0/7 is left uncommitted, to be redelivered');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(ingest.execute).toHaveBeenCalledTimes(1);
    expect(ingest.deadLetterAll).not.toHaveBeenCalled();
  }, 5_000);

  it('dead-letters the batch after the last attempt, without waiting after it', async () => {
    const { consumer, ingest } = consumerFor({ ingestMaxAttempts: 2, ingestRetryBaseMs: 1 });
    await consumer.handle([message]);
    expect(ingest.execute).toHaveBeenCalledTimes(2);
    expect(ingest.deadLetterAll).toHaveBeenCalledWith(
      expect.anything(),
      'failed 2 times; last error: deadlock detected',
    );
  });
});
