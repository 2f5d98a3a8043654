import { Logger } from '@nestjs/common';

import { errorMessage, isOutage } from './outage';
import { retryWaitMs } from './retry-wait';

export interface OutageState {
  since: Date;
  reason: string;
}

/** Work that keeps failing for a reason other than an outage (the same stream of work, retried). */
export interface FailingWork {
  /** The stream of work, e.g. a topic's partition. */
  key: string;
  /** The last attempt, e.g. the batch at topic/partition/offset. */
  what: string;
  since: Date;
  failures: number;
  error: string;
}

/** How often work that fails for a reason other than an outage is attempted, and the first wait. */
export interface Retries {
  attempts: number;
  baseMs: number;
}

/** The outcome of `OutageGuard.attempt`: the work's result, or the error of its last attempt. */
export type Attempted<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Thrown instead of waiting any longer when the service is asked to stop during an outage. */
export class StoppedDuringOutage extends Error {
  constructor(what: string) {
    super(`stopping while the database or broker is unreachable: ${what} is left uncommitted, to be redelivered`);
    this.name = 'StoppedDuringOutage';
  }
}

/**
 * Backpressure for consumers: work that fails because the database or the broker is unreachable
 * is held and retried until they are back (the batch stays uncommitted, nothing is
 * dead-lettered), and the service reports itself degraded meanwhile. A stop request ends the
 * wait: the work is abandoned uncommitted and Kafka redelivers it to the next consumer.
 */
export class OutageGuard {
  private readonly logger = new Logger('outage');
  private current: OutageState | undefined;
  private stopping = false;
  private lastLog = 0;

  private readonly failingWork = new Map<string, FailingWork>();

  constructor(
    private readonly retryMs: number,
    private readonly onChange: (held: boolean) => void = () => undefined,
    private readonly onFailingChange: (failing: number) => void = () => undefined,
  ) {}

  /** The outage in progress, if any. */
  get outage(): OutageState | undefined {
    return this.current;
  }

  /** Work whose last attempt failed (not for an outage), by stream: what /health reports. */
  get failing(): FailingWork[] {
    return [...this.failingWork.values()];
  }

  /**
   * Runs `work`, waiting out outages; other errors are the caller's, and are kept under `key`
   * (default `what`) until work of that key succeeds.
   */
  async run<T>(what: string, work: () => Promise<T>, key = what): Promise<T> {
    for (;;) {
      try {
        const result = await work();
        this.recovered();
        if (this.failingWork.delete(key)) this.onFailingChange(this.failingWork.size);
        return result;
      } catch (error) {
        if (!isOutage(error)) {
          this.recordFailure(key, what, error as Error);
          throw error;
        }
        if (this.stopping) throw new StoppedDuringOutage(what);
        this.record(what, error as Error);
        await this.pause();
        if (this.stopping) throw new StoppedDuringOutage(what);
      }
    }
  }

  /**
   * Runs `work` up to `retries.attempts` times, each through `run` (outages are waited out and not
   * counted), waiting `retryWaitMs(attempt, retries.baseMs)` after each failure; answers the
   * result, or the last error once every attempt failed. A stop request ends a wait by throwing:
   * the work is left uncommitted, to be redelivered.
   */
  async attempt<T>(what: string, key: string, retries: Retries, work: () => Promise<T>): Promise<Attempted<T>> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return { ok: true, value: await this.run(what, work, key) };
      } catch (error) {
        if (error instanceof StoppedDuringOutage) throw error;
        const message = errorMessage(error);
        if (attempt >= retries.attempts) {
          this.logger.warn(`${what} failed (attempt ${attempt}): ${message}`);
          return { ok: false, error };
        }
        const wait = retryWaitMs(attempt, retries.baseMs);
        this.logger.warn(`${what} failed (attempt ${attempt}): ${message}; retrying in ${wait} ms`);
        if (await this.wait(wait)) throw new Error(`stopping: ${what} is left uncommitted, to be redelivered`);
      }
    }
  }

  /**
   * Waits `ms` (or the retry interval), ended early by `stop()`; answers whether the service is
   * stopping, so that the caller leaves its work uncommitted.
   */
  async wait(ms = this.retryMs): Promise<boolean> {
    if (!this.stopping) await this.pause(ms);
    return this.stopping;
  }

  /** Ends every wait in progress (SIGTERM). */
  stop(): void {
    this.stopping = true;
    for (const wake of this.sleepers.splice(0)) wake();
  }

  private readonly sleepers: Array<() => void> = [];

  private pause(ms = this.retryMs): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const sleepers = this.sleepers;
      function done() {
        clearTimeout(timer);
        const index = sleepers.indexOf(done);
        if (index >= 0) sleepers.splice(index, 1);
        resolve();
      }
      sleepers.push(done);
    });
  }

  private record(what: string, error: Error): void {
    const now = Date.now();
    if (!this.current) {
      this.current = { since: new Date(now), reason: error.message };
      this.onChange(true);
      this.logger.warn(`database or broker unreachable (${error.message}); holding ${what} until it is back`);
      this.lastLog = now;
    } else {
      this.current.reason = error.message;
      if (now - this.lastLog >= 10_000) {
        const waited = Math.round((now - this.current.since.getTime()) / 1000);
        this.logger.warn(`still unreachable after ${waited} s (${error.message}); holding ${what}`);
        this.lastLog = now;
      }
    }
  }

  private recordFailure(key: string, what: string, error: Error): void {
    const known = this.failingWork.get(key);
    const message = error?.message ?? String(error);
    if (known) Object.assign(known, { what, failures: known.failures + 1, error: message });
    else {
      this.failingWork.set(key, { key, what, since: new Date(), failures: 1, error: message });
      this.onFailingChange(this.failingWork.size);
    }
  }

  private recovered(): void {
    if (!this.current) return;
    const waited = Math.round((Date.now() - this.current.since.getTime()) / 1000);
    this.logger.log(`database and broker reachable again after ${waited} s; resuming`);
    this.current = undefined;
    this.onChange(false);
  }
}
