import { hash } from 'node:crypto';

import type { CanonicalEvent } from './cloud-event';

/**
 * JSON with object keys sorted (by UTF-16 code units), so equal content always gives equal text.
 * Stored events hold digests of this text: its output must never change.
 *
 * Plain JSON data (what a parsed filing holds) is copied with its keys in that order and written
 * by `JSON.stringify` as one flat string. Built piece by piece instead, the text of every filing
 * was a chain of dozens of joined strings, the gateway's largest allocation. Anything else takes
 * the piece-by-piece path, which both give the same text for.
 */
export function stableStringify(value: unknown): string {
  const copy = sortedCopy(value);
  return copy === NOT_PLAIN ? stringifyInPieces(value) : JSON.stringify(copy);
}

const NOT_PLAIN = Symbol('not plain JSON data');

/**
 * A copy whose `JSON.stringify` text is `stringifyInPieces(value)`'s, or NOT_PLAIN. Ruled out: an
 * undefined array element (written as nothing, not null), values JSON cannot write (functions,
 * symbols, big integers), a key `JSON.stringify` would move (one that starts with a digit:
 * integer-like keys come first) or that cannot be copied as an own property (`__proto__`).
 */
function sortedCopy(value: unknown): unknown {
  if (value === null) return value;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'undefined':
      return value;
    case 'object':
      break;
    default:
      return NOT_PLAIN;
  }
  if (Array.isArray(value)) {
    const copy: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i += 1) {
      const element = value[i] === undefined ? NOT_PLAIN : sortedCopy(value[i]);
      if (element === NOT_PLAIN) return NOT_PLAIN;
      copy[i] = element;
    }
    return copy;
  }
  // The copy is a plain object of the own keys: a prototype's toJSON (a Date's) plays no part.
  const record = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key of sortedKeys(record)) {
    const first = key.charCodeAt(0);
    if ((first >= 48 && first <= 57) || key === '__proto__') return NOT_PLAIN;
    const child = record[key];
    if (child === undefined) continue;
    const element = sortedCopy(child);
    if (element === NOT_PLAIN) return NOT_PLAIN;
    copy[key] = element;
  }
  return copy;
}

/** The text appended piece by piece: the definition `sortedCopy` must agree with. */
function stringifyInPieces(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i += 1) {
      // As Array.prototype.join: an element JSON cannot write (undefined) leaves its place empty.
      text += (i > 0 ? ',' : '') + (stringifyInPieces(value[i]) ?? '');
    }
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  let text = '{';
  for (const key of sortedKeys(record)) {
    const child = record[key];
    if (child === undefined) continue;
    text += `${text.length > 1 ? ',' : ''}${JSON.stringify(key)}:${stringifyInPieces(child)}`;
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
  // One call, no Hash object: about half the time of createHash().update().digest() for a
  // filing's text (docs/benchmarks.md).
  return hash('sha256', stableStringify(content), 'hex');
}
