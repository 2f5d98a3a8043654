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
