import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { Client } from 'pg';
import { register } from 'tsconfig-paths';

import { type E2eEnvironment, ENV_FILE, ROOT } from './e2e-environment';

const KAFKA_PORT = '29092';
/** The test broker also listens with SASL/SCRAM (SHA-256 and SHA-512) for this user. */
export const SCRAM_USER = 'portscore';
export const SCRAM_PASSWORD = 'portscore-scram-secret';
export const SCRAM_BROKER = '127.0.0.1:29094';
/** And with TLS, its certificate signed by a private CA that clients must be given. */
export const TLS_BROKER = '127.0.0.1:29095';
export const TLS_CA_FILE = join(tmpdir(), `portscore-e2e-kafka-${KAFKA_PORT}-tls`, 'ca.pem');
/** And with TLS that requires a client certificate from that CA, such as this one. */
export const MTLS_BROKER = '127.0.0.1:29096';
export const TLS_CLIENT_CERT_FILE = join(dirname(TLS_CA_FILE), 'client.pem');
export const TLS_CLIENT_KEY_FILE = join(dirname(TLS_CA_FILE), 'client.key');
/** And with SASL/SCRAM over TLS (the same user, the same CA), as the Kubernetes cluster runs it. */
export const SASL_SSL_BROKER = '127.0.0.1:29097';

/**
 * Starts what the end-to-end tests run against: a real single-node Kafka broker (unless
 * KAFKA_BROKERS names one) and a freshly created PostgreSQL database, and builds the services.
 */
export default async function globalSetup(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist/apps/gateway/src/main.js'))) {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  }

  let kafkaBrokers = process.env.KAFKA_BROKERS ?? '';
  let startedKafka = false;
  let kafkaStartMs = 0;
  if (!kafkaBrokers) {
    const started = Date.now();
    const result = spawnSync(join(ROOT, 'deploy/kafka/kafka.sh'), ['start'], {
      env: { ...process.env, ...kafkaEnv() },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (result.status !== 0) throw new Error('the test Kafka broker did not start');
    kafkaStartMs = Date.now() - started;
    kafkaBrokers = result.stdout.toString().trim().split('\n').pop()!;
    startedKafka = true;
  }

  let embeddedPostgresPid = 0;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    // Global setup runs outside jest's module mapping: resolve the path aliases here.
    register({ baseUrl: ROOT, paths: { '@portscore/*': ['libs/*/src'] }, addMatchAll: false });
    const { localDatabase } = require('@portscore/persistence') as typeof import('@portscore/persistence');
    const local = await localDatabase(ROOT, (line) => console.log(`[e2e] ${line}`));
    serverUrl = local.serverUrl;
    embeddedPostgresPid = local.pid ?? 0;
  }
  const base = new URL(serverUrl);
  const database = `portscore_e2e_${process.pid}`;
  const admin = new URL(base.toString());
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${database}`);
  await client.end();
  const databaseUrl = new URL(base.toString());
  databaseUrl.pathname = `/${database}`;

  const environment: E2eEnvironment = {
    kafkaBrokers,
    databaseUrl: databaseUrl.toString(),
    startedKafka,
    kafkaStartMs,
    embeddedPostgresPid,
  };
  mkdirSync(dirname(ENV_FILE), { recursive: true });
  writeFileSync(ENV_FILE, JSON.stringify(environment, null, 2));
}

export function kafkaEnv(): Record<string, string> {
  return {
    PORTSCORE_KAFKA_PORT: KAFKA_PORT,
    PORTSCORE_KAFKA_DATA: join(tmpdir(), `portscore-e2e-kafka-${KAFKA_PORT}`),
    PORTSCORE_KAFKA_FRESH: '1',
    PORTSCORE_KAFKA_SCRAM: `${SCRAM_USER}:${SCRAM_PASSWORD}`,
    // Outside the data folder, which is wiped each run: the CA is made once and kept.
    PORTSCORE_KAFKA_TLS: dirname(TLS_CA_FILE),
  };
}
