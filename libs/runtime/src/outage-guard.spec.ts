import { Logger } from '@nestjs/common';

import { OutageGuard } from './outage-guard';

describe('OutageGuard: failing work', () => {
  it('keeps a failure other than an outage by key until work of that key succeeds, and counts them', async () => {
    const counts: number[] = [];
    const guard = new OutageGuard(10, undefined, (failing) => counts.push(failing));
    const fail = () => Promise.reject(new Error('null value in column "at"'));
    await expect(guard.run('the batch at t/0/5', fail, 't/0')).rejects.toThrow('null value');
    await expect(guard.run('the batch at t/0/5', fail, 't/0')).rejects.toThrow('null value');
    await expect(guard.run('the batch at t/1/9', fail, 't/1')).rejects.toThrow('null value');
    expect(guard.failing.map(({ key, what, failures, error }) => ({ key, what, failures, error }))).toEqual([
      { key: 't/0', what: 'the batch at t/0/5', failures: 2, error: 'null value in column "at"' },
      { key: 't/1', what: 'the batch at t/1/9', failures: 1, error: 'null value in column "at"' },
    ]);
    expect(await guard.run('the batch at t/0/6', async () => 'scored', 't/0')).toBe('scored');
    expect(guard.failing.map((work) => work.key)).toEqual(['t/1']);
    expect(counts).toEqual([1, 2, 1]);
  });

  it('does not count an outage as failing work: it waits it out', async () => {
    const guard = new OutageGuard(10);
    let attempts = 0;
    const result = await guard.run(
      'the batch at t/0/1',
      async () => {
        attempts += 1;
        if (attempts < 3)
          throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
        return 'done';
      },
      't/0',
    );
    expect([result, attempts, guard.failing]).toEqual(['done', 3, []]);
  });
});

describe('OutageGuard.attempt', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(true));

  const failing = (failures: number) => {
    let calls = 0;
    const work = jest.fn(async () => {
      calls += 1;
      if (calls <= failures) throw new Error(`deadlock detected (${calls})`);
      return 'recorded';
    });
    return work;
  };

  it('answers the result of the first attempt that succeeds, waiting the doubled base between failures', async () => {
    const guard = new OutageGuard(10);
    const work = failing(2);
    const started = Date.now();
    expect(await guard.attempt('the batch at t/0/1', 't/0', { attempts: 3, baseMs: 20 }, work)).toEqual({
      ok: true,
      value: 'recorded',
    });
    expect(work).toHaveBeenCalledTimes(3);
    // Waits of 20 and 40 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    expect(guard.failing).toEqual([]);
  });

  it('answers the last error once every attempt failed, the work still reported as failing', async () => {
    const guard = new OutageGuard(10);
    const work = failing(5);
    const attempted = await guard.attempt('the batch at t/0/1', 't/0', { attempts: 3, baseMs: 1 }, work);
    expect(attempted).toEqual({ ok: false, error: new Error('deadlock detected (3)') });
    expect(work).toHaveBeenCalledTimes(3);
    expect(guard.failing.map(({ key, failures }) => ({ key, failures }))).toEqual([{ key: 't/0', failures: 3 }]);
  });

  it('ends a wait between attempts when stopped, leaving the work to be redelivered', async () => {
    const guard = new OutageGuard(10);
    const work = failing(5);
    const attempted = guard.attempt('the batch at t/0/1', 't/0', { attempts: 3, baseMs: 60_000 }, work);
    await new Promise((resolve) => setImmediate(resolve));
    guard.stop();
    await expect(attempted).rejects.toThrow('stopping: the batch at t/0/1 is left uncommitted, to be redelivered');
    expect(work).toHaveBeenCalledTimes(1);
  });
});
