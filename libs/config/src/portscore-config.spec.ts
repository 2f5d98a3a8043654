import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ConfigurationError, DEFAULTS, loadConfig } from './portscore-config';

describe('loadConfig', () => {
  it('uses the documented defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.kafkaBrokers).toEqual(['127.0.0.1:19092']);
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/portscore');
    expect(config.topics).toEqual({
      filings: 'sw.filings.v1',
      events: 'sw.events.v1',
      deadLetters: 'sw.filings.dlq.v1',
      indicators: 'sw.indicators.v1',
      scores: 'sw.scores.v1',
    });
    expect(config.maxFilingBytes).toBe(1_048_576);
    expect(config.maxFutureMinutes).toBe(5);
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({
        KAFKA_BROKERS: 'localhost',
        API_PORT: '70000',
        DATABASE_URL: 'mysql://x',
        TOPIC_EVENTS: 'bad topic',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const problems = (error as ConfigurationError).problems;
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/KAFKA_BROKERS: localhost is not host:port/);
    expect(problems.join('\n')).toMatch(/API_PORT=70000/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL=mysql:\/\/x/);
    expect(problems.join('\n')).toMatch(/TOPIC_EVENTS=bad topic/);
  });

  it.each(['127.0.0.1', '0.0.0.0', '::', '::1', 'fd00::2:1', 'localhost', 'api', 'portscore-api.example.org'])(
    'binds the HTTP listeners to API_HOST=%s',
    (host) => {
      expect(loadConfig({ API_HOST: host }).apiHost).toBe(host);
    },
  );

  it.each(['http://127.0.0.1', '127.0.0.1:3000', 'localhost/api', '[::1]', 'not a host', '999.1.1.1', '-api', 'a..b'])(
    'stops at API_HOST=%s, saying what it expects',
    (host) => {
      let error: unknown;
      try {
        loadConfig({ API_HOST: host });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).problems).toEqual([
        `API_HOST=${host}: expected a host name or an IP address, without scheme, port or path ` +
          '(e.g. 127.0.0.1, 0.0.0.0, ::1 or api.example.org)',
      ]);
    },
  );

  it('names API_HOST among the other bad variables', () => {
    expect(() => loadConfig({ API_HOST: 'http://0.0.0.0:3000', API_PORT: 'x' })).toThrow(
      'invalid configuration:\n' +
        '  - API_HOST=http://0.0.0.0:3000: expected a host name or an IP address, without scheme, port or path ' +
        '(e.g. 127.0.0.1, 0.0.0.0, ::1 or api.example.org)\n' +
        '  - API_PORT=x: expected a whole number from 1 to 65535\n' +
        'See .env.example for every setting and its default.',
    );
  });

  it('reads the Kafka TLS files: a CA, and a client certificate with its key, each implying TLS', () => {
    const here = __filename;
    expect(loadConfig({}).kafkaSecurity.ssl).toBe(false);
    expect(loadConfig({ KAFKA_SSL: 'true' }).kafkaSecurity.ssl).toEqual({});
    expect(loadConfig({ KAFKA_SSL_CA_FILE: here }).kafkaSecurity.ssl).toEqual({ caFile: here });
    expect(loadConfig({ KAFKA_SSL_CERT_FILE: here, KAFKA_SSL_KEY_FILE: here }).kafkaSecurity.ssl).toEqual({
      certFile: here,
      keyFile: here,
    });
    expect(() => loadConfig({ KAFKA_SSL_CERT_FILE: here })).toThrow(
      'KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together: the client certificate and its key',
    );
    expect(() => loadConfig({ KAFKA_SSL_CERT_FILE: here, KAFKA_SSL_KEY_FILE: '/nowhere/client.key' })).toThrow(
      'KAFKA_SSL_KEY_FILE=/nowhere/client.key: no such file',
    );
  });

  it('refuses a smallest fetch larger than the largest, naming both settings', () => {
    expect(() => loadConfig({ CONSUMER_MIN_BATCH_BYTES: '1048576', CONSUMER_MAX_BATCH_BYTES: '524288' })).toThrow(
      'CONSUMER_MIN_BATCH_BYTES=1048576 is more than CONSUMER_MAX_BATCH_BYTES=524288: ' +
        'a fetch would wait for more than a partition may return; lower the first or raise the second',
    );
    expect(() => loadConfig({ CONSUMER_MIN_BATCH_BYTES: String(8 * 1024 * 1024) })).toThrow(
      'CONSUMER_MIN_BATCH_BYTES=8388608 is more than CONSUMER_MAX_BATCH_BYTES=4194304',
    );
    const equal = loadConfig({ CONSUMER_MIN_BATCH_BYTES: '524288', CONSUMER_MAX_BATCH_BYTES: '524288' });
    expect([equal.consumerMinBatchBytes, equal.consumerMaxBatchBytes]).toEqual([524288, 524288]);
  });

  it('does not compare the batch sizes when one of them is itself bad', () => {
    let error: unknown;
    try {
      loadConfig({ CONSUMER_MIN_BATCH_BYTES: String(8 * 1024 * 1024), CONSUMER_MAX_BATCH_BYTES: 'lots' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).problems).toEqual([
      'CONSUMER_MAX_BATCH_BYTES=lots: expected a whole number from 65536 to 67108864',
    ]);
  });
});

describe('.env.example', () => {
  it('lists every setting with its default value', () => {
    const example = new Map(
      readFileSync(join(__dirname, '..', '..', '..', '.env.example'), 'utf8')
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const),
    );
    const missing = Object.entries(DEFAULTS)
      .filter(([name, value]) => example.get(name) !== value)
      .map(([name, value]) => `${name}=${value} (in .env.example: ${example.get(name) ?? 'absent'})`);
    expect(missing).toEqual([]);
  });
});
