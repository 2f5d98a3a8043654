import { createHmac, randomBytes } from 'node:crypto';

import type { NextFunction, Request, Response } from 'express';

import { presentedKey } from './presented-key';
import type { Principal } from './principal';

export interface RateLimitOptions {
  /** Clients remembered in each class (accepted keys, other keys, addresses); default 10,000 each. */
  maxClients?: number;
  /** Milliseconds since the epoch; tests pass their own clock. */
  now?: () => number;
}

/**
 * A token bucket per API key (or per address without one): `perMinute` requests a minute on
 * average, bursts up to a tenth of that. Over the limit: 429 with Retry-After.
 *
 * A key is the same client in either header. The limiter runs before ApiKeyGuard, so keys the
 * guard has accepted are kept apart from keys it has not seen yet (new or made up) and from
 * addresses: no flood of invented keys or addresses can push an accepted key's bucket out. Keys
 * not accepted yet also spend their address's tokens, so inventing a key per request gains nothing.
 * Keys are remembered by a keyed hash, never as sent.
 */
export function rateLimit(perMinute: number, options: RateLimitOptions = {}) {
  const now = options.now ?? Date.now;
  const capacity = options.maxClients ?? 10_000;
  const burst = Math.max(10, Math.ceil(perMinute / 10));
  const refillPerMs = perMinute / 60_000;
  const accepted = new TokenBuckets(burst, refillPerMs, capacity);
  const unconfirmed = new TokenBuckets(burst, refillPerMs, capacity);
  const addresses = new TokenBuckets(burst, refillPerMs, capacity);
  const salt = randomBytes(32);
  const fingerprintOf = (key: string) => createHmac('sha256', salt).update(key).digest('base64url');

  return (request: Request, response: Response, next: NextFunction) => {
    const key = presentedKey(request);
    const fingerprint = key === undefined ? undefined : fingerprintOf(key);
    const address = request.ip ?? 'unknown';
    const at = now();
    let retryAfterSeconds: number | undefined;
    if (fingerprint === undefined) {
      retryAfterSeconds = addresses.take(address, at);
    } else if (accepted.has(fingerprint)) {
      retryAfterSeconds = accepted.take(fingerprint, at);
    } else {
      retryAfterSeconds = unconfirmed.take(fingerprint, at) ?? addresses.take(address, at);
      response.once('finish', () => {
        // The guard accepted the key: its bucket, as spent so far, moves where floods cannot reach.
        if ((request as Request & { principal?: Principal }).principal && !accepted.has(fingerprint)) {
          accepted.adopt(fingerprint, unconfirmed.remove(fingerprint), now());
        }
      });
    }
    if (retryAfterSeconds !== undefined) {
      response.setHeader('retry-after', String(retryAfterSeconds));
      response
        .status(429)
        .json({ error: 'rate_limited', detail: `more than ${perMinute} requests a minute; slow down` });
      return;
    }
    next();
  };
}

interface Bucket {
  tokens: number;
  at: number;
}

/** The buckets of one class of clients, least recently seen first, at most `capacity` of them. */
class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly burst: number,
    private readonly refillPerMs: number,
    private readonly capacity: number,
  ) {}

  has(client: string): boolean {
    return this.buckets.has(client);
  }

  /** Keeps the client's bucket from another class, or starts a full one. */
  adopt(client: string, bucket: Bucket | undefined, now: number): void {
    this.insert(client, bucket ?? { tokens: this.burst, at: now });
  }

  remove(client: string): Bucket | undefined {
    const bucket = this.buckets.get(client);
    this.buckets.delete(client);
    return bucket;
  }

  /** Takes a token: undefined when there was one, otherwise the seconds until there will be. */
  take(client: string, now: number): number | undefined {
    const known = this.buckets.get(client);
    const bucket = known ? { tokens: this.tokensAt(known, now), at: now } : { tokens: this.burst, at: now };
    if (known) this.buckets.delete(client);
    this.insert(client, bucket);
    if (bucket.tokens < 1) return Math.max(1, Math.ceil((1 - bucket.tokens) / this.refillPerMs / 1000));
    bucket.tokens -= 1;
    return undefined;
  }

  private insert(client: string, bucket: Bucket): void {
    // The least recently seen client goes; once a refill time has passed its bucket is full again,
    // so forgetting it loses nothing.
    if (this.buckets.size >= this.capacity) {
      const oldest = this.buckets.keys().next();
      if (!oldest.done) this.buckets.delete(oldest.value);
    }
    this.buckets.set(client, bucket);
  }

  private tokensAt(bucket: Bucket, now: number): number {
    return Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.refillPerMs);
  }
}
