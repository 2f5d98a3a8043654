import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { IsNumber, IsString } from 'class-validator';

import { EVENT_TYPES } from './cloud-event';
import { allEventSchemas, buildDataSchemas, dataSchemas } from './json-schema';

const fixtures = join(__dirname, '..', '..', '..', 'test', 'fixtures');
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const validators = Object.fromEntries(
  Object.entries(allEventSchemas()).map(([type, schema]) => [type, ajv.compile(schema)]),
);

/** The published JSON Schemas agree with the enforced rules on every fixture. */
describe('generated JSON Schemas', () => {
  it.each(readdirSync(join(fixtures, 'valid/json')))('accept valid/json/%s', (file) => {
    const event = JSON.parse(readFileSync(join(fixtures, 'valid/json', file), 'utf8')) as { type: string };
    const validate = validators[event.type]!;
    expect(validate(event) ? [] : validate.errors).toEqual([]);
  });

  it.each([...EVENT_TYPES])('reject the invalid data fixture of %s', (type) => {
    const event = JSON.parse(readFileSync(join(fixtures, 'invalid/json', `${type}.json`), 'utf8')) as unknown;
    expect(validators[type]!(event)).toBe(false);
  });
});

describe('schema generation', () => {
  it('reads only the contract classes, whatever else the validator registry holds', () => {
    const before = JSON.stringify(dataSchemas());
    // Another class of a contract class's name and a stray class, as a second copy of the
    // module or a test would register them in the same process.
    class FeeItem {
      @IsNumber() code!: number;
    }
    class Stray {
      @IsString() name!: string;
    }
    expect(new FeeItem()).toBeInstanceOf(FeeItem);
    expect(new Stray()).toBeInstanceOf(Stray);

    const after = buildDataSchemas();
    expect(after).not.toHaveProperty('Stray');
    expect((after.FeeItem as { properties: Record<string, unknown> }).properties.code).toEqual({
      type: 'string',
      minLength: 1,
      maxLength: 64,
    });
    expect(JSON.stringify(after)).toBe(before);
  });
});
