import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { serviceArguments } from '@portscore/config';
import { DataSource } from 'typeorm';

import { ROOT } from './setup/e2e-environment';
import {
  MTLS_BROKER,
  SASL_SSL_BROKER,
  SCRAM_BROKER,
  SCRAM_PASSWORD,
  SCRAM_USER,
  TLS_BROKER,
  TLS_CA_FILE,
  TLS_CLIENT_CERT_FILE,
  TLS_CLIENT_KEY_FILE,
} from './setup/global-setup';
import { type RunningStack, startStack, waitUntil } from './support/stack';

/**
 * Kafka SASL/SCRAM from configuration, against the test broker's SCRAM listener: the whole stack
 * and the CLI authenticate with SCRAM-SHA-256; a wrong password stops a service at start-up with
 * the broker's reason.
 */
describe('Kafka SASL/SCRAM (real broker with a SCRAM listener)', () => {
  const scram = {
    KAFKA_BROKERS: SCRAM_BROKER,
    KAFKA_SASL_MECHANISM: 'scram-sha-256',
    KAFKA_SASL_USERNAME: SCRAM_USER,
    KAFKA_SASL_PASSWORD: SCRAM_PASSWORD,
  };
  const stack = securedStack('scram', 3927, scram);

  it('ingests and scores filings published over an authenticated connection', () => expectFixtureIngested(stack));

  it('stops a service at start-up when the password is wrong, saying why', async () => {
    const output = await expectWrongPasswordRefused(stack, '4999');
    expect(output).toMatch(/SASL SCRAM SHA256 authentication failed/);
  });
});

/**
 * Kafka TLS from configuration, against the test broker's TLS listener, whose certificate is
 * signed by a private CA: the whole stack and the CLI connect with KAFKA_SSL=true and that CA in
 * KAFKA_SSL_CA_FILE; without the CA a service stops at start-up and says what to set.
 */
describe('Kafka TLS (real broker with a TLS listener and a private CA)', () => {
  const tls = { KAFKA_BROKERS: TLS_BROKER, KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: TLS_CA_FILE };
  const stack = securedStack('tls', 3930, tls);

  it('ingests and scores filings published over an encrypted connection', () => expectFixtureIngested(stack));

  it('stops a service at start-up when the CA is not trusted, saying what to set', async () => {
    const env: Record<string, string> = { ...stack.current.env, GATEWAY_HTTP_PORT: '4998' };
    delete env.KAFKA_SSL_CA_FILE;
    // The broker's chain ends in the private CA, which Node does not trust by default.
    const { code, output } = await runGateway(env);
    expect(code).toBe(1);
    expect(output).toMatch(/gateway: failed to start/);
    expect(output).toContain(
      "Kafka: the server's certificate is not trusted (Connection error: self-signed certificate in certificate chain); " +
        'name the CA that signed it (KAFKA_SSL_CA_FILE for the brokers)',
    );
    expect(output).not.toMatch(/unreachable/);
  });
});

/**
 * Kafka TLS with client certificates, against the test broker's listener that requires one from
 * its CA: the stack and the CLI present theirs (KAFKA_SSL_CERT_FILE, KAFKA_SSL_KEY_FILE); without
 * one a service stops at start-up and says what to set.
 */
describe('Kafka TLS with client certificates (real broker that requires one)', () => {
  const mtls = {
    KAFKA_BROKERS: MTLS_BROKER,
    KAFKA_SSL_CA_FILE: TLS_CA_FILE,
    KAFKA_SSL_CERT_FILE: TLS_CLIENT_CERT_FILE,
    KAFKA_SSL_KEY_FILE: TLS_CLIENT_KEY_FILE,
  };
  const stack = securedStack('mtls', 3931, mtls);

  it('ingests and scores filings published with a client certificate', () => expectFixtureIngested(stack));

  it('stops a service at start-up without a client certificate, saying what to set', async () => {
    const env: Record<string, string> = { ...stack.current.env, GATEWAY_HTTP_PORT: '4997' };
    delete env.KAFKA_SSL_CERT_FILE;
    delete env.KAFKA_SSL_KEY_FILE;
    const { code, output } = await runGateway(env);
    expect(code).toBe(1);
    expect(output).toMatch(/gateway: failed to start/);
    // The broker answers a handshake without a certificate with OpenSSL's "bad certificate" alert.
    expect(output).toContain(
      "Kafka: the server refused this client's certificate, or its lack of one (Connection error:",
    );
    expect(output).toMatch(
      /alert bad certificate[^\n]*\); give it a certificate from a CA the server trusts \(KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE for the brokers\)/,
    );
  });
});

/**
 * SASL/SCRAM over TLS in one connection, as deploy/k8s runs it (Strimzi's TLS listener with
 * SCRAM-SHA-512 users): the broker's certificate from the private CA, then the password.
 */
describe('Kafka SASL/SCRAM over TLS (real broker with a SASL_SSL listener)', () => {
  const saslSsl = {
    KAFKA_BROKERS: SASL_SSL_BROKER,
    KAFKA_SSL: 'true',
    KAFKA_SSL_CA_FILE: TLS_CA_FILE,
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: SCRAM_USER,
    KAFKA_SASL_PASSWORD: SCRAM_PASSWORD,
  };
  const stack = securedStack('saslssl', 3932, saslSsl);

  it('ingests and scores filings published over an encrypted, authenticated connection', () =>
    expectFixtureIngested(stack));

  it('stops a service at start-up when the password is wrong, after the TLS handshake succeeded', async () => {
    const output = await expectWrongPasswordRefused(stack, '4996');
    expect(output).toMatch(/SASL SCRAM SHA512 authentication failed/);
    expect(output).not.toMatch(/certificate/);
  });
});

/** The gateway with a wrong password exits at start-up with code 1; returns what it printed. */
async function expectWrongPasswordRefused(stack: { current: RunningStack }, httpPort: string): Promise<string> {
  const { code, output } = await runGateway({
    ...stack.current.env,
    KAFKA_SASL_PASSWORD: 'not-the-password',
    GATEWAY_HTTP_PORT: httpPort,
  });
  expect(code).toBe(1);
  expect(output).toMatch(/gateway: failed to start/);
  return output;
}

/**
 * Runs the built gateway alone with `env` until it exits (killed after 60 s if it does not):
 * its exit code and what it printed.
 */
async function runGateway(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, serviceArguments('gateway', ROOT), {
    env,
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(kill);
  return { code, output };
}

/** The whole stack with `env` for the tests of a describe block, with a connection to its database. */
function securedStack(name: string, port: number, env: Record<string, string>) {
  const secured = {} as { current: RunningStack; database: DataSource };
  beforeAll(async () => {
    secured.current = await startStack(name, port, env);
    secured.database = await new DataSource({ type: 'postgres', url: secured.current.databaseUrl }).initialize();
  });
  afterAll(async () => {
    await secured.database?.destroy();
    await secured.current?.stop();
  });
  return secured;
}

/** The CLI publishes the October fixture of CNSHA through the stack; every filing is accounted for and scored. */
async function expectFixtureIngested({ current: stack, database }: { current: RunningStack; database: DataSource }) {
  const output = stack.cli(['publish', join(ROOT, 'test/fixtures/valid/m1-cnsha-october.ndjson')]);
  expect(output).toContain('published 27 filings');
  await waitUntil(
    'the 27 filings are counted and scored',
    60_000,
    async () =>
      Number((await database.query('SELECT coalesce(sum(count), 0) AS n FROM ingest_count'))[0].n) === 27 &&
      Number((await database.query('SELECT count(*) AS n FROM indicator'))[0].n) > 0 &&
      Number((await database.query('SELECT count(*) AS n FROM outbox'))[0].n) === 0,
  );
  const rows: Array<{ outcome: string; n: number }> = await database.query(
    `SELECT outcome, sum(count)::int AS n FROM ingest_count GROUP BY outcome`,
  );
  // The fixture re-sends one filing.
  expect(Object.fromEntries(rows.map((row) => [row.outcome, row.n]))).toEqual({ accepted: 26, duplicate: 1 });
}
