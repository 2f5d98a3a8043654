import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { contentDigest, stableStringify } from './canonical-json';
import type { CanonicalEvent } from './cloud-event';

const fixtures = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'valid', 'json');

describe('stableStringify', () => {
  it('sorts keys at every level and leaves out undefined properties', () => {
    expect(stableStringify({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
    // Code-unit order, as the first digests were made: upper case before lower case.
    expect(stableStringify({ b: 1, B: 2, _: 3, 港: 4 })).toBe('{"B":2,"_":3,"b":1,"港":4}');
    expect(stableStringify([undefined, 'a\n"'])).toBe('[,"a\\n\\""]');
    expect(stableStringify({})).toBe('{}');
    expect(stableStringify([])).toBe('[]');
  });

  it('orders keys as Array.prototype.sort does, for small and large objects', () => {
    // UTF-16 code units: an emoji (surrogates D83D DE00) before a full-width '！' (FF01).
    expect(stableStringify({ '！': 1, '😀': 2, a: 3 })).toBe('{"a":3,"😀":2,"！":1}');
    let seed = 11;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const alphabet = ['a', 'B', '_', '0', '港', '😀', '！', 'ab', 'a_'];
    for (let size = 0; size <= 40; size += 1) {
      const record: Record<string, number> = {};
      for (let i = 0; i < size; i += 1) record[alphabet[next() % alphabet.length]! + String(next() % 50)] = i;
      const expected = `{${Object.keys(record)
        .sort()
        .map((key) => `${JSON.stringify(key)}:${record[key]}`)
        .join(',')}}`;
      expect(stableStringify(record)).toBe(expected);
    }
  });

  it('writes the text of the key-sorting definition for any value, plain JSON data or not (property)', () => {
    // The definition, written independently: keys sorted, undefined properties left out, an
    // undefined array element left empty.
    const reference = (value: unknown): string | undefined => {
      if (value === null || typeof value !== 'object') return JSON.stringify(value);
      if (Array.isArray(value)) return `[${Array.from(value, (element) => reference(element) ?? '').join(',')}]`;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .sort()
        .filter((key) => record[key] !== undefined);
      return `{${keys.map((key) => `${JSON.stringify(key)}:${reference(record[key])}`).join(',')}}`;
    };
    let seed = 7;
    const next = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
    // Plain JSON data, as parsed filings hold, is copied and written by JSON.stringify; the rest
    // (keys JSON.stringify would move or assigning cannot copy, values JSON writes otherwise than
    // the definition) piece by piece.
    const plainKeys = ['b', 'a', 'B', '_', '-1', '', '港', '😀', '！', 'toJSON'];
    const otherKeys = ['0', '10', '9', '1.5', '__proto__'];
    const plainLeaves = ['text', 'a\n"', 0, -0, 1.5, 1e21, Number.NaN, true, null];
    const otherLeaves = [undefined, new Date(Date.UTC(2026, 10, 30)), () => 1, { toJSON: () => 'replaced' }];
    const value = (depth: number, keys: string[], leaves: unknown[]): unknown => {
      if (depth === 0 || next(3) === 0) return leaves[next(leaves.length)];
      if (next(2) === 0) return Array.from({ length: next(4) }, () => value(depth - 1, keys, leaves));
      // Parsed, as a filing's objects are: '__proto__' is an own key.
      const record = JSON.parse('{}') as Record<string, unknown>;
      for (let i = next(6); i > 0; i -= 1)
        Object.defineProperty(record, keys[next(keys.length)]!, {
          value: value(depth - 1, keys, leaves),
          enumerable: true,
          configurable: true,
          writable: true,
        });
      return record;
    };
    for (let round = 0; round < 2000; round += 1) {
      const plain = value(4, plainKeys, plainLeaves);
      expect(stableStringify(plain)).toBe(reference(plain));
      const any = value(4, [...plainKeys, ...otherKeys], [...plainLeaves, ...otherLeaves]);
      expect(stableStringify(any)).toBe(reference(any));
    }
    expect(stableStringify(JSON.parse('{"b":[1,{"d":2,"c":null}],"a":"x"}'))).toBe(
      '{"a":"x","b":[1,{"c":null,"d":2}]}',
    );
  });

  it('gives the digests stored for the valid fixtures (digests stored before stay comparable)', () => {
    const digests = Object.fromEntries(
      readdirSync(fixtures).map((file) => {
        const event = JSON.parse(readFileSync(join(fixtures, file), 'utf8')) as CanonicalEvent;
        return [file, contentDigest(event).slice(0, 16)];
      }),
    );
    // Written down from the key-sorting implementation the first digests were stored with.
    expect(digests['sw.permit.applied.v1.json']).toBe(DIGESTS.permitApplied);
    expect(digests['sw.fee.charged.v1.json']).toBe(DIGESTS.feeCharged);
  });
});

const DIGESTS = { permitApplied: 'ecabcce79c2ec665', feeCharged: '1b5a25b122fb298e' };
