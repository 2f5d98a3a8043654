import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What global-setup prepared for the end-to-end tests: a real broker and a fresh database. */
export interface E2eEnvironment {
  kafkaBrokers: string;
  databaseUrl: string;
  startedKafka: boolean;
  kafkaStartMs: number;
  /** The embedded PostgreSQL helper started for the run, to stop at teardown (0: none). */
  embeddedPostgresPid: number;
}

export const ROOT = join(__dirname, '..', '..');
export const ENV_FILE = join(ROOT, 'test-artifacts', 'e2e-environment.json');

export function e2eEnvironment(): E2eEnvironment {
  return JSON.parse(readFileSync(ENV_FILE, 'utf8')) as E2eEnvironment;
}
