import { isOutage } from './outage';

describe('isOutage', () => {
  it('recognises an unreachable database or broker', () => {
    expect(isOutage(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(
      true,
    );
    expect(
      isOutage(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })),
    ).toBe(true);
    expect(isOutage(Object.assign(new Error('x'), { code: '08006' }))).toBe(true);
    expect(isOutage(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isOutage(Object.assign(new Error('x'), { name: 'KafkaJSConnectionError' }))).toBe(true);
    expect(
      isOutage({
        message: 'query failed',
        driverError: {},
        cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }),
      }),
    ).toBe(true);
  });

  it('does not mistake data errors for outages', () => {
    expect(isOutage(Object.assign(new Error('duplicate key value'), { code: '23505' }))).toBe(false);
    expect(isOutage(Object.assign(new Error('invalid input syntax'), { code: '22P02' }))).toBe(false);
    expect(isOutage(new TypeError('x is undefined'))).toBe(false);
  });
});
