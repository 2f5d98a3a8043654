import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { serviceArguments } from '@portscore/config';
import { DataSource } from 'typeorm';

import { ROOT } from './setup/e2e-environment';
import { SCRAM_BROKER, SCRAM_PASSWORD, SCRAM_USER } from './setup/global-setup';
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
  let stack: RunningStack;
  let database: DataSource;

  beforeAll(async () => {
    stack = await startStack('scram', 3927, scram);
    database = await new DataSource({ type: 'postgres', url: stack.databaseUrl }).initialize();
  });

  afterAll(async () => {
    await database?.destroy();
    await stack?.stop();
  });

  it('ingests and scores filings published over an authenticated connection', async () => {
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
  });

  it('stops a service at start-up when the password is wrong, saying why', async () => {
    const child = spawn(process.execPath, serviceArguments('gateway', ROOT), {
      env: { ...stack.env, KAFKA_SASL_PASSWORD: 'not-the-password', GATEWAY_HTTP_PORT: '4999' },
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(output).toMatch(/gateway: failed to start/);
    expect(output).toMatch(/SASL SCRAM SHA256 authentication failed/);
  });
});
