import { isOutage, whenReachable } from './outage';

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

describe('whenReachable', () => {
  const refused = Object.assign(new Error('Connection error: self-signed certificate in certificate chain'), {
    name: 'KafkaJSConnectionError',
    code: 'SELF_SIGNED_CERT_IN_CHAIN',
  });

  it('does not wait out a certificate that is not trusted: it says what to set', async () => {
    const lines: string[] = [];
    // kafkajs gives up retrying with the connection error as the cause.
    const gaveUp = Object.assign(new Error(refused.message), {
      name: 'KafkaJSNumberOfRetriesExceeded',
      cause: refused,
    });
    await expect(
      whenReachable(
        'Kafka',
        () => Promise.reject(gaveUp),
        (line) => lines.push(line),
      ),
    ).rejects.toThrow(
      "Kafka: the server's certificate is not trusted (Connection error: self-signed certificate in certificate chain); " +
        'name the CA that signed it (KAFKA_SSL_CA_FILE for the brokers)',
    );
    expect(lines).toEqual([]);
    // Past start-up the same error holds the work, as an outage does: nothing is dead-lettered for it.
    expect(isOutage(gaveUp)).toBe(true);
    await expect(
      whenReachable('Kafka', () =>
        Promise.reject(Object.assign(new Error('x'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' })),
      ),
    ).rejects.toThrow("Kafka: the server's certificate is not trusted (x)");
  });

  it("does not wait out a server that refuses this client's certificate: it says what to set", async () => {
    const alert = Object.assign(
      new Error('Connection error: error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate\n'),
      { name: 'KafkaJSConnectionError', code: 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE' },
    );
    await expect(whenReachable('Kafka', () => Promise.reject(alert))).rejects.toThrow(
      "Kafka: the server refused this client's certificate, or its lack of one (Connection error: " +
        'error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate); give it a certificate from a CA ' +
        'the server trusts (KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE for the brokers)',
    );
    const required = Object.assign(new Error('x'), { code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' });
    await expect(whenReachable('Kafka', () => Promise.reject(required))).rejects.toThrow(
      "Kafka: the server refused this client's certificate",
    );
  });

  it('waits out an unreachable server, saying so', async () => {
    const lines: string[] = [];
    let calls = 0;
    const value = await whenReachable(
      'PostgreSQL',
      async () => {
        calls += 1;
        if (calls === 1)
          throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
        return 42;
      },
      (line) => lines.push(line),
    );
    expect(value).toBe(42);
    expect(lines).toEqual(['PostgreSQL: unreachable (connect ECONNREFUSED 127.0.0.1:5432); waiting (0 s so far)']);
  });
});
