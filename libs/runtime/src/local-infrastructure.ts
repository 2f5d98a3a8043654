import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { localDatabase, withDatabase } from '@portscore/persistence';

export interface LocalInfrastructure {
  kafkaBrokers: string;
  /** Server URL with the database name asked for. */
  databaseUrl: string;
  /** Stops what this call started (nothing it found running). */
  stop(): Promise<void>;
}

/**
 * Kafka and PostgreSQL for `npm start` and the benchmarks: KAFKA_BROKERS and DATABASE_URL when
 * set; otherwise the local broker of deploy/kafka/kafka.sh, and the PostgreSQL on
 * 127.0.0.1:5432 or an embedded one.
 */
export async function localInfrastructure(
  root: string,
  database: string,
  log: (line: string) => void,
): Promise<LocalInfrastructure> {
  const stops: Array<() => Promise<void>> = [];
  let kafkaBrokers = process.env.KAFKA_BROKERS ?? '';
  if (!kafkaBrokers) {
    log('KAFKA_BROKERS not set: starting the local broker (the first run downloads it from Maven Central)');
    const kafka = join(root, 'deploy/kafka/kafka.sh');
    const alreadyRunning = spawnSync(kafka, ['status'], { stdio: 'ignore' }).status === 0;
    const result = spawnSync(kafka, ['start'], { stdio: ['ignore', 'pipe', 'inherit'] });
    if (result.status !== 0) throw new Error('the local Kafka broker did not start; see the lines above');
    kafkaBrokers = result.stdout.toString().trim().split('\n').pop()!;
    if (!alreadyRunning) {
      stops.push(async () => {
        spawnSync(kafka, ['stop'], { stdio: 'inherit' });
      });
    }
  }
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
  };
  let databaseUrl = process.env.DATABASE_URL ?? '';
  if (!databaseUrl) {
    try {
      const local = await localDatabase(root, log);
      stops.push(local.stop);
      databaseUrl = withDatabase(local.serverUrl, database);
    } catch (error) {
      // Nothing started here is left running when the whole cannot start.
      await stopAll();
      throw error;
    }
  }
  return { kafkaBrokers, databaseUrl, stop: stopAll };
}
