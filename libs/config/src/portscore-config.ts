import { existsSync } from 'node:fs';
import { isIP } from 'node:net';

/**
 * Settings from environment variables, validated once at start-up. A bad value stops the process
 * with a message naming the variable and what it expects. Every variable is listed, with its
 * default, in .env.example.
 */
export interface KafkaSecurity {
  /**
   * TLS to the brokers; `caFile` adds a CA bundle (PEM) to the trusted ones; `certFile` and
   * `keyFile` (PEM) are this client's certificate and key, for brokers that require one.
   */
  ssl: false | { caFile?: string; certFile?: string; keyFile?: string };
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

export interface PortscoreConfig {
  kafkaBrokers: string[];
  kafkaClientId: string;
  kafkaSecurity: KafkaSecurity;
  databaseUrl: string;
  topics: {
    filings: string;
    events: string;
    deadLetters: string;
    indicators: string;
    scores: string;
  };
  /**
   * Partitions of the topics Portscore creates: best one per partition a consumer handles at a
   * time (CONSUMER_CONCURRENCY) per gateway or scorer instance.
   */
  topicPartitions: number;
  apiHost: string;
  apiPort: number;
  /** HTTP ports of the consumer services (health, readiness, metrics). */
  httpPorts: { gateway: number; scorer: number };
  /** Requests a minute per API key. */
  apiRateLimitPerMinute: number;
  maxFilingBytes: number;
  maxFutureMinutes: number;
  /** Attempts at a batch that fails for a transient reason before it is dead-lettered. */
  ingestMaxAttempts: number;
  ingestRetryBaseMs: number;
  /** Partitions whose batches a gateway or scorer handles at the same time. */
  consumerConcurrency: number;
  /** Bytes a consumer fetches per partition at a time: bounds batch size and memory. */
  consumerMaxBatchBytes: number;
  /**
   * A fetch waits for this many bytes (or CONSUMER_MAX_WAIT_MS): fewer, larger batches, so fewer
   * database commits (each one a disk flush) under a steady trickle. At most consumerMaxBatchBytes.
   */
  consumerMinBatchBytes: number;
  consumerMaxWaitMs: number;
  /** Outbox messages published and removed between two VACUUMs of the queue; 0 leaves it to autovacuum. */
  outboxCompactEvery: number;
  /**
   * Seconds between two looks of the scorer for day, week and month windows under way at ports
   * with status reports, to score and publish them from their start; 0: never.
   */
  openWindowsEverySeconds: number;
  openWindowsLookBackDays: number;
  openWindowsMaxBacklog: number;
  seedsDir: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** json: one pino JSON object per line (for log shippers); text: Nest's readable lines. */
  logFormat: 'json' | 'text';
}

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `invalid configuration:\n  - ${problems.join('\n  - ')}\nSee .env.example for every setting and its default.`,
    );
    this.name = 'ConfigurationError';
  }
}

export const DEFAULTS = {
  KAFKA_BROKERS: '127.0.0.1:19092',
  KAFKA_CLIENT_ID: 'portscore',
  KAFKA_SSL: 'false',
  KAFKA_SSL_CA_FILE: '',
  KAFKA_SSL_CERT_FILE: '',
  KAFKA_SSL_KEY_FILE: '',
  KAFKA_SASL_MECHANISM: '',
  KAFKA_SASL_USERNAME: '',
  KAFKA_SASL_PASSWORD: '',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/portscore',
  TOPIC_FILINGS: 'sw.filings.v1',
  TOPIC_EVENTS: 'sw.events.v1',
  TOPIC_DEAD_LETTERS: 'sw.filings.dlq.v1',
  TOPIC_INDICATORS: 'sw.indicators.v1',
  TOPIC_SCORES: 'sw.scores.v1',
  TOPIC_PARTITIONS: '2',
  API_HOST: '127.0.0.1',
  API_PORT: '3000',
  GATEWAY_HTTP_PORT: '3001',
  SCORER_HTTP_PORT: '3002',
  API_RATE_LIMIT_PER_MINUTE: '1200',
  MAX_FILING_BYTES: String(1024 * 1024),
  MAX_FUTURE_MINUTES: '5',
  INGEST_MAX_ATTEMPTS: '5',
  INGEST_RETRY_BASE_MS: '500',
  CONSUMER_CONCURRENCY: '2',
  CONSUMER_MAX_BATCH_BYTES: String(4 * 1024 * 1024),
  CONSUMER_MIN_BATCH_BYTES: String(256 * 1024),
  CONSUMER_MAX_WAIT_MS: '100',
  OUTBOX_COMPACT_EVERY: '50000',
  OPEN_WINDOWS_EVERY_SECONDS: '60',
  OPEN_WINDOWS_LOOKBACK_DAYS: '7',
  OPEN_WINDOWS_MAX_BACKLOG: '10000',
  SEEDS_DIR: 'seeds',
  LOG_LEVEL: 'info',
  LOG_FORMAT: 'json',
} as const;

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): PortscoreConfig {
  const problems: string[] = [];
  const read = (name: keyof typeof DEFAULTS): string => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? DEFAULTS[name] : value.trim();
  };
  const integer = (name: keyof typeof DEFAULTS, min: number, max: number): number => {
    const text = read(name);
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name}=${text}: expected a whole number from ${min} to ${max}`);
      return Number(DEFAULTS[name]);
    }
    return value;
  };
  const topic = (name: keyof typeof DEFAULTS): string => {
    const value = read(name);
    if (!/^[A-Za-z0-9._-]{1,249}$/.test(value)) {
      problems.push(`${name}=${value}: a Kafka topic name of letters, digits, '.', '_' or '-'`);
    }
    return value;
  };

  const kafkaBrokers = read('KAFKA_BROKERS')
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  for (const broker of kafkaBrokers) {
    if (!/^[^\s:]+:\d{1,5}$/.test(broker)) problems.push(`KAFKA_BROKERS: ${broker} is not host:port`);
  }
  const databaseUrl = read('DATABASE_URL');
  try {
    const url = new URL(databaseUrl);
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new Error('protocol');
  } catch {
    problems.push(`DATABASE_URL=${databaseUrl}: expected postgres://user[:password]@host:port/database`);
  }
  const apiHost = read('API_HOST');
  if (!isHostOrAddress(apiHost)) {
    problems.push(
      `API_HOST=${apiHost}: expected a host name or an IP address, without scheme, port or path ` +
        '(e.g. 127.0.0.1, 0.0.0.0, ::1 or api.example.org)',
    );
  }
  const logLevel = read('LOG_LEVEL');
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) {
    problems.push(`LOG_LEVEL=${logLevel}: expected debug, info, warn or error`);
  }

  const logFormat = read('LOG_FORMAT');
  if (logFormat !== 'json' && logFormat !== 'text') problems.push(`LOG_FORMAT=${logFormat}: expected json or text`);

  const kafkaSecurity = security(read, problems);

  const batchProblems = problems.length;
  const consumerMaxBatchBytes = integer('CONSUMER_MAX_BATCH_BYTES', 64 * 1024, 64 * 1024 * 1024);
  const consumerMinBatchBytes = integer('CONSUMER_MIN_BATCH_BYTES', 1, 64 * 1024 * 1024);
  // Compared only when both are valid: a default standing in for a bad value would mislead.
  if (problems.length === batchProblems && consumerMinBatchBytes > consumerMaxBatchBytes) {
    problems.push(
      `CONSUMER_MIN_BATCH_BYTES=${consumerMinBatchBytes} is more than CONSUMER_MAX_BATCH_BYTES=${consumerMaxBatchBytes}: ` +
        'a fetch would wait for more than a partition may return; lower the first or raise the second',
    );
  }

  const config: PortscoreConfig = {
    kafkaBrokers,
    kafkaClientId: read('KAFKA_CLIENT_ID'),
    kafkaSecurity,
    databaseUrl,
    topics: {
      filings: topic('TOPIC_FILINGS'),
      events: topic('TOPIC_EVENTS'),
      deadLetters: topic('TOPIC_DEAD_LETTERS'),
      indicators: topic('TOPIC_INDICATORS'),
      scores: topic('TOPIC_SCORES'),
    },
    topicPartitions: integer('TOPIC_PARTITIONS', 1, 1000),
    apiHost,
    apiPort: integer('API_PORT', 1, 65535),
    httpPorts: { gateway: integer('GATEWAY_HTTP_PORT', 1, 65535), scorer: integer('SCORER_HTTP_PORT', 1, 65535) },
    apiRateLimitPerMinute: integer('API_RATE_LIMIT_PER_MINUTE', 10, 1_000_000),
    maxFilingBytes: integer('MAX_FILING_BYTES', 1024, 64 * 1024 * 1024),
    maxFutureMinutes: integer('MAX_FUTURE_MINUTES', 0, 24 * 60),
    ingestMaxAttempts: integer('INGEST_MAX_ATTEMPTS', 1, 100),
    ingestRetryBaseMs: integer('INGEST_RETRY_BASE_MS', 1, 60_000),
    consumerConcurrency: integer('CONSUMER_CONCURRENCY', 1, 64),
    consumerMaxBatchBytes,
    consumerMinBatchBytes,
    consumerMaxWaitMs: integer('CONSUMER_MAX_WAIT_MS', 0, 10_000),
    outboxCompactEvery: integer('OUTBOX_COMPACT_EVERY', 0, 100_000_000),
    openWindowsEverySeconds: integer('OPEN_WINDOWS_EVERY_SECONDS', 0, 86_400),
    openWindowsLookBackDays: integer('OPEN_WINDOWS_LOOKBACK_DAYS', 0, 366),
    openWindowsMaxBacklog: integer('OPEN_WINDOWS_MAX_BACKLOG', 0, 1_000_000_000),
    seedsDir: read('SEEDS_DIR'),
    logLevel: logLevel as PortscoreConfig['logLevel'],
    logFormat: logFormat as PortscoreConfig['logFormat'],
  };
  if (problems.length > 0) throw new ConfigurationError(problems);
  return config;
}

/**
 * What the HTTP listeners can bind: an IPv4 or IPv6 address (bare: `[::1]` is URL syntax that
 * listen() cannot resolve), or a host name of letters, digits and hyphens whose last label is not
 * a number (`999.1.1.1` is no address and no name).
 */
function isHostOrAddress(host: string): boolean {
  if (isIP(host) !== 0) return true;
  const labels = host.split('.');
  return (
    host.length <= 253 &&
    labels.every((label) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label)) &&
    !/^\d+$/.test(labels[labels.length - 1]!)
  );
}

function security(read: (name: keyof typeof DEFAULTS) => string, problems: string[]): KafkaSecurity {
  const ssl = read('KAFKA_SSL');
  if (ssl !== 'true' && ssl !== 'false') problems.push(`KAFKA_SSL=${ssl}: expected true or false`);
  const files: { caFile?: string; certFile?: string; keyFile?: string } = {};
  for (const [name, key] of [
    ['KAFKA_SSL_CA_FILE', 'caFile'],
    ['KAFKA_SSL_CERT_FILE', 'certFile'],
    ['KAFKA_SSL_KEY_FILE', 'keyFile'],
  ] as const) {
    const file = read(name);
    if (!file) continue;
    if (!existsSync(file)) problems.push(`${name}=${file}: no such file`);
    files[key] = file;
  }
  if (Boolean(files.certFile) !== Boolean(files.keyFile))
    problems.push('KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together: the client certificate and its key');
  const mechanism = read('KAFKA_SASL_MECHANISM').toLowerCase();
  let sasl: KafkaSecurity['sasl'];
  if (mechanism) {
    if (mechanism !== 'plain' && mechanism !== 'scram-sha-256' && mechanism !== 'scram-sha-512') {
      problems.push(`KAFKA_SASL_MECHANISM=${mechanism}: expected plain, scram-sha-256 or scram-sha-512`);
    } else {
      const username = read('KAFKA_SASL_USERNAME');
      const password = read('KAFKA_SASL_PASSWORD');
      if (!username || !password)
        problems.push('KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required with KAFKA_SASL_MECHANISM');
      sasl = { mechanism, username, password };
    }
  }
  // A CA or a client certificate means TLS, whatever KAFKA_SSL says.
  const tls = ssl === 'true' || Object.keys(files).length > 0;
  return { ssl: tls ? files : false, ...(sasl ? { sasl } : {}) };
}
