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

  it('gives the digests stored for the valid fixtures (receipts made before stay comparable)', () => {
    const digests = Object.fromEntries(
      readdirSync(fixtures).map((file) => {
        const event = JSON.parse(readFileSync(join(fixtures, file), 'utf8')) as CanonicalEvent;
        return [file, contentDigest(event).slice(0, 16)];
      }),
    );
    // Written down from the key-sorting implementation the first receipts were stored with.
    expect(digests['sw.permit.applied.v1.json']).toBe(DIGESTS.permitApplied);
    expect(digests['sw.fee.charged.v1.json']).toBe(DIGESTS.feeCharged);
  });
});

const DIGESTS = { permitApplied: 'ecabcce79c2ec665', feeCharged: '1b5a25b122fb298e' };
