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
