import { createHash } from 'node:crypto';

import type { CanonicalEvent } from './cloud-event';

/**
 * JSON with object keys sorted (by UTF-16 code units), so equal content always gives equal text.
 * Stored events hold digests of this text: its output must never change.
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
  for (const key of sortedKeys(record)) {
    const child = record[key];
    if (child === undefined) continue;
    text += `${text.length > 1 ? ',' : ''}${JSON.stringify(key)}:${stableStringify(child)}`;
  }
  return `${text}}`;
}

/** Objects with more keys than this are sorted by Array.prototype.sort. */
const INSERTION_SORT_MAX = 16;

/**
 * The keys in the order `sort()` gives (UTF-16 code units, as `<` compares strings). Every
 * filing's every object passes here; `sort()` allocates a work copy of the array each call,
 * which showed as the gateway's largest allocation, so small key lists are sorted in place.
 */
function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  if (keys.length > INSERTION_SORT_MAX) return keys.sort();
  for (let i = 1; i < keys.length; i += 1) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j -= 1;
    }
    keys[j + 1] = key;
  }
  return keys;
}

/**
 * Digest of what an event says (type, time, port, subject, data), independent of the mode or
 * format it arrived in: the same (source, id) with another digest is a conflict.
 */
export function contentDigest(event: CanonicalEvent): string {
  const content = { type: event.type, time: event.time, port: event.port, subject: event.subject, data: event.data };
  return createHash('sha256').update(stableStringify(content)).digest('hex');
}
