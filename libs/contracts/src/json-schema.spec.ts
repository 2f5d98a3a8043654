import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { IsNumber, IsString } from 'class-validator';

import { EVENT_TYPES } from './cloud-event';
import { FilingRejectedException } from './filing-rejection.exception';
import { FilingValidator } from './filing-validator';
import { allEventSchemas, buildDataSchemas, dataSchemas } from './json-schema';
import { type Port, PortRegistry } from './port-registry';

const STRUCTURED = 'application/cloudevents+json';

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

describe('generated JSON Schemas and the validator', () => {
  const root = join(__dirname, '..', '..', '..');
  const validator = new FilingValidator({
    ports: new PortRegistry(
      (JSON.parse(readFileSync(join(root, 'seeds/ports.json'), 'utf8')) as { ports: Port[] }).ports,
    ),
    maxBytes: 1024 * 1024,
    maxFutureMs: 5 * 60_000,
    now: () => new Date('2026-11-01T00:00:00Z'),
  });
  const fixture = (type: string) =>
    JSON.parse(readFileSync(join(fixtures, 'valid/json', `${type}.json`), 'utf8')) as Record<string, unknown> & {
      data: Record<string, unknown>;
    };
  const certificate = fixture('sw.certificate.issued.v1');
  const transportDocument = fixture('sw.transport_document.v1');
  const status = fixture('sw.measure.status.v1');
  const variants: Array<[string, Record<string, unknown>]> = [
    ['subject ""', { ...certificate, subject: '' }],
    ['subject "x"', { ...certificate, subject: 'x' }],
    ...['<bad>', 'a\u0001b', 'http://x/%zz', 'urn:a b', '/erp/sh', 'urn:x:y', 'https://a.example/b?c#d'].map(
      (source): [string, Record<string, unknown>] => [`source ${JSON.stringify(source)}`, { ...certificate, source }],
    ),
    ...['2016-12-31T23:59:60Z', '2016-12-31T15:59:60-08:00', '2016-12-31T23:58:60Z', '2026-10-05T12:00:60+08:00'].map(
      (time): [string, Record<string, unknown>] => [`time ${time}`, { ...certificate, time }],
    ),
    ['id of 128 emoji', { ...certificate, id: '😀'.repeat(128) }],
    ['id of 129 emoji', { ...certificate, id: '😀'.repeat(129) }],
    ['verifiedOnline null', { ...certificate, data: { ...certificate.data, verifiedOnline: null } }],
    ['partnerCountry "au"', { ...certificate, data: { ...certificate.data, partnerCountry: 'au' } }],
    ['platform null', { ...transportDocument, data: { ...transportDocument.data, platform: null } }],
    ['evidence null', { ...status, data: { ...status.data, evidence: null } }],
  ];

  it.each(variants)('agree on %s', (_name, event) => {
    let accepted = true;
    try {
      validator.validate({ value: Buffer.from(JSON.stringify(event)), headers: { 'content-type': STRUCTURED } });
    } catch (error) {
      if (!(error instanceof FilingRejectedException)) throw error;
      accepted = false;
    }
    expect(accepted).toBe(validators[event.type as string]!(event));
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
