import { createHash } from 'node:crypto';

import type { CanonicalEvent } from './cloud-event';

/**
 * JSON with object keys sorted (by UTF-16 code units), so equal content always gives equal text.
 * Stored receipts hold digests of this text: its output must never change.
 */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i += 1) {
      // As Array.prototype.join: an element JSON cannot write (undefined) leaves its place empty.
      text += (i > 0 ? ',' : '') + (stableStringify(value[i]) ?? '');
    }
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  let text = '{';
  for (const key of Object.keys(record).sort()) {
    const child = record[key];
    if (child === undefined) continue;
    text += `${text.length > 1 ? ',' : ''}${JSON.stringify(key)}:${stableStringify(child)}`;
  }
  return `${text}}`;
}

/**
 * Digest of what an event says (type, time, port, subject, data), independent of the mode or
 * format it arrived in: the same (source, id) with another digest is a conflict.
 */
export function contentDigest(event: CanonicalEvent): string {
  const content = { type: event.type, time: event.time, port: event.port, subject: event.subject, data: event.data };
  return createHash('sha256').update(stableStringify(content)).digest('hex');
}
