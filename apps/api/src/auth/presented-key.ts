import type { Request } from 'express';

/**
 * The API key a request carries: `Authorization: Bearer <key>`, otherwise `X-API-Key: <key>`.
 * The guard and the rate limiter both read it here, so they always agree on who is calling.
 */
export function presentedKey(request: Pick<Request, 'headers'>): string | undefined {
  return bearer(request.headers.authorization) ?? first(request.headers['x-api-key']);
}

function bearer(value: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(value ?? '');
  return match?.[1];
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
