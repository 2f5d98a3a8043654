import type { NextFunction, Request, Response } from 'express';

/**
 * A token bucket per API key (or per address without one): `perMinute` requests a minute on
 * average, bursts up to a tenth of that. Over the limit: 429 with Retry-After.
 */
export function rateLimit(perMinute: number) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const burst = Math.max(10, Math.ceil(perMinute / 10));
  const refillPerMs = perMinute / 60_000;
  return (request: Request, response: Response, next: NextFunction) => {
    const authorization = request.headers.authorization ?? request.headers['x-api-key'];
    const who =
      (Array.isArray(authorization) ? authorization[0] : authorization)?.slice(0, 24) ?? request.ip ?? 'anonymous';
    const now = Date.now();
    const bucket = buckets.get(who) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.at) * refillPerMs);
    bucket.at = now;
    buckets.set(who, bucket);
    if (buckets.size > 10_000) buckets.clear();
    if (bucket.tokens < 1) {
      response.setHeader('retry-after', String(Math.ceil((1 - bucket.tokens) / refillPerMs / 1000)));
      response
        .status(429)
        .json({ error: 'rate_limited', detail: `more than ${perMinute} requests a minute; slow down` });
      return;
    }
    bucket.tokens -= 1;
    next();
  };
}
