import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

import { EVENT_TYPES, type EventType } from './cloud-event';
import { compiledCheck } from './compiled-validation';
import * as events from './events';
import { EVENT_DATA_CLASSES } from './events';

const fixtures = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'valid', 'json');

type Data = Record<string, unknown>;

/** What class-transformer and class-validator make of a payload: its canonical copy, or undefined. */
function reference(type: EventType, data: Data): Data | undefined {
  const instance = plainToInstance(EVENT_DATA_CLASSES[type], structuredClone(data));
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  return errors.length > 0 ? undefined : (JSON.parse(JSON.stringify(instance)) as Data);
}

/** Every value a contract list allows, so that changing one field tries the others' neighbours. */
const listed = Object.values(events).flatMap((value) =>
  Array.isArray(value) && value.every((item) => typeof item === 'string') ? (value as string[]) : [],
);

const ODD: unknown[] = [
  null,
  '',
  'x',
  'x'.repeat(32),
  'x'.repeat(33),
  'x'.repeat(128),
  'x'.repeat(129),
  ' ',
  0,
  -0,
  1,
  -1,
  1.5,
  29,
  30,
  1e-7,
  0.123456,
  1234567.1234567,
  1e21,
  true,
  false,
  'true',
  '1',
  [],
  [1],
  [{}],
  {},
  { a: 1 },
  'MSCU1234565',
  'MSCU123456',
  'mscu1234565',
  'USD',
  'usd',
  'XXY',
  'CN',
  'cn',
  'Cn',
  'ZZ',
  'https://example.org/evidence',
  'ftp://example.org/x',
  'example.org',
  '2026-01-01T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '2026-01-01 00:00:00',
  ...listed,
];

/** The payload with one field removed, changed to each odd value, or one field added. */
function mutations(data: Data): Data[] {
  const out: Data[] = [data, { ...data, unexpected: 1 }, { ...data, __proto__: { inherited: 1 } } as Data];
  for (const key of Object.keys(data)) {
    const { [key]: _removed, ...rest } = data;
    out.push(rest);
    for (const value of ODD) out.push({ ...data, [key]: value });
  }
  return out;
}

/** Mutations of the payload, of its stage-dependent fields on every stage, and of nested lines. */
function candidates(type: EventType, data: Data): Data[] {
  const out = mutations(data);
  for (const stage of listed) {
    if (!('stage' in data)) break;
    out.push(...mutations({ ...data, stage }));
  }
  for (const [key, value] of Object.entries(data)) {
    if (!Array.isArray(value)) continue;
    const [first] = value as Data[];
    for (const line of mutations(first!)) out.push({ ...data, [key]: [line] }, { ...data, [key]: [first, line] });
    out.push({ ...data, [key]: [[first]] }, { ...data, [key]: first }, { ...data, [key]: [first, 'line'] });
  }
  return out;
}

describe('compiled payload checks', () => {
  it.each(EVENT_TYPES)('%s: pass exactly what class-validator passes, with the same canonical payload', (type) => {
    const fixture = JSON.parse(readFileSync(join(fixtures, `${type}.json`), 'utf8')) as { data: Data };
    const check = compiledCheck(EVENT_DATA_CLASSES[type]);
    expect(check).toBeDefined();
    let passed = 0;
    let refused = 0;
    for (const data of candidates(type, fixture.data)) {
      const expected = reference(type, data);
      const copy = structuredClone(data);
      const verdict = check!(copy);
      // A payload either passes both (and is its own canonical copy) or neither.
      expect({ data, valid: verdict }).toEqual({ data, valid: expected !== undefined });
      if (verdict) {
        expect(JSON.parse(JSON.stringify(copy))).toEqual(expected);
        passed += 1;
      } else refused += 1;
    }
    // Both kinds were tried: valid variants (optional fields, other list values) and broken ones.
    expect(passed).toBeGreaterThan(1);
    expect(refused).toBeGreaterThan(50);
  });

  it('leaves classes it cannot reproduce to class-validator', () => {
    class Grouped {
      name!: string;
    }
    // A rule in a validation group: class-validator applies it only when asked for the group.
    require('class-validator').IsString({ groups: ['strict'] })(Grouped.prototype, 'name');
    expect(compiledCheck(Grouped)).toBeUndefined();
    class Bare {}
    expect(compiledCheck(Bare)).toBeUndefined();
  });
});
