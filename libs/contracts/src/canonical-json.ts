import { createHash } from 'node:crypto';

import type { CanonicalEvent } from './cloud-event';

/** JSON with object keys sorted, so equal content always gives equal text. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

/**
 * Digest of what an event says (type, time, port, subject, data), independent of the mode or
 * format it arrived in: the same (source, id) with another digest is a conflict.
 */
export function contentDigest(event: CanonicalEvent): string {
  const content = { type: event.type, time: event.time, port: event.port, subject: event.subject, data: event.data };
  return createHash('sha256').update(stableStringify(content)).digest('hex');
}
