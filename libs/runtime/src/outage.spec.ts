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

  it('does not wait out a certificate that is not trusted: that is configuration to fix', () => {
    const refused = Object.assign(new Error('Connection error: self-signed certificate in certificate chain'), {
      name: 'KafkaJSConnectionError',
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
    expect(isOutage(refused)).toBe(false);
    // kafkajs gives up retrying with the connection error as the cause.
    expect(
      isOutage(Object.assign(new Error(refused.message), { name: 'KafkaJSNumberOfRetriesExceeded', cause: refused })),
    ).toBe(false);
    expect(isOutage(Object.assign(new Error('x'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }))).toBe(false);
    expect(isOutage(Object.assign(new Error('x'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }))).toBe(false);
    // The same connection error without a certificate code is an outage.
    expect(isOutage(Object.assign(new Error('Connection error: x'), { name: 'KafkaJSConnectionError' }))).toBe(true);
  });
});
