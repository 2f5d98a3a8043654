import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { EVENT_TYPES } from './cloud-event';
import { EVENT_DATA_CLASSES } from './events';
import { FilingRejectedException } from './filing-rejection.exception';
import { FilingValidator, type RawFiling } from './filing-validator';
import { dataSchemas } from './json-schema';
import { type Port, PortRegistry } from './port-registry';

const root = join(__dirname, '..', '..', '..');
const fixtures = join(root, 'test', 'fixtures');
const ports = new PortRegistry(
  (JSON.parse(readFileSync(join(root, 'seeds', 'ports.json'), 'utf8')) as { ports: Port[] }).ports,
);
const validator = new FilingValidator({
  ports,
  maxBytes: 1024 * 1024,
  maxFutureMs: 5 * 60_000,
  now: () => new Date('2026-11-01T00:00:00Z'),
});
const structured = { 'content-type': 'application/cloudevents+json' };

function readFiling(path: string, headers?: Record<string, string>): RawFiling {
  const sidecar = path.replace(/\.xml$/, '.headers.json');
  return {
    value: readFileSync(path),
    headers:
      headers ??
      (path.endsWith('.xml') ? (JSON.parse(readFileSync(sidecar, 'utf8')) as Record<string, string>) : structured),
  };
}

describe('valid fixtures', () => {
  const jsonFiles = readdirSync(join(fixtures, 'valid/json'));

  it('has a JSON and an XML fixture for every event type', () => {
    const xmlFiles = readdirSync(join(fixtures, 'valid/xml'));
    for (const type of EVENT_TYPES) {
      expect(jsonFiles).toContain(`${type}.json`);
      expect(xmlFiles).toContain(`${type}.xml`);
    }
  });

  it.each(jsonFiles)('accepts json/%s', (file) => {
    const event = validator.validate(readFiling(join(fixtures, 'valid/json', file)));
    expect(event.type).toBe(file.split('--')[0]!.replace(/\.json$/, ''));
  });

  it.each([...EVENT_TYPES])('reads the XML rendering of %s to the same data as its JSON', (type) => {
    const fromXml = validator.validate(readFiling(join(fixtures, 'valid/xml', `${type}.xml`)));
    const fromJson = validator.validate(readFiling(join(fixtures, 'valid/json', `${type}.json`)));
    expect(fromXml.data).toEqual(fromJson.data);
    expect(fromXml.type).toBe(type);
    expect(fromXml.id).toBe(`fx-xml-${type}`);
  });

  it('normalises fee catalogue effectiveFrom to UTC and keeps numbers as numbers', () => {
    const event = validator.validate(readFiling(join(fixtures, 'valid/xml', 'sw.fee.catalogue.published.v1.xml')));
    expect(event.data).toMatchObject({
      effectiveFrom: '2026-08-31T16:00:00.000Z',
      items: [
        { code: 'THC20', name: 'Terminal handling 20ft', unit: 'container', amount: 860, currency: 'CNY' },
        { code: 'DOC', name: 'Document fee', unit: 'set', amount: 450, currency: 'CNY' },
      ],
    });
  });

  it('maps an ePhyto import certificate: partner is the exporting country', () => {
    const event = validator.validate(readFiling(join(fixtures, 'valid/ephyto/au-to-cnsha-import.xml')));
    expect(event).toMatchObject({
      id: 'AU-PC-2026-0048211',
      source: 'urn:ippc:ephyto-hub:AU',
      type: 'sw.certificate.issued.v1',
      time: '2026-10-03T04:20:00.000Z',
      port: 'CNSHA',
      data: {
        certificateId: 'AU-PC-2026-0048211',
        kind: 'sps',
        direction: 'import',
        partnerCountry: 'AU',
        electronic: true,
        verifiedOnline: false,
      },
    });
  });

  it('maps an ePhyto export certificate: partner is the importing country; ID with attributes', () => {
    const event = validator.validate(readFiling(join(fixtures, 'valid/ephyto/cnngb-to-nz-export.xml')));
    expect(event.data).toEqual({
      certificateId: 'CN-NGB-PC-2026-771',
      kind: 'sps',
      direction: 'export',
      partnerCountry: 'NZ',
      electronic: true,
      verifiedOnline: false,
    });
  });

  it.each([
    [
      'issued-paper.json',
      { transportDocumentReference: 'HHL71800001', status: 'ISSUED', isElectronic: false, issuerRole: 'carrier' },
    ],
    [
      'issued-electronic-wave.json',
      {
        transportDocumentReference: 'HHL71800002',
        status: 'ISSUED',
        isElectronic: true,
        issuerRole: 'carrier',
        platform: 'WAVE',
      },
    ],
    [
      'surrender-for-delivery.json',
      { transportDocumentReference: 'HHL71800002', status: 'SURRENDERED', isElectronic: true, issuerRole: 'carrier' },
    ],
    [
      'draft.json',
      { transportDocumentReference: 'HHL71800003', status: 'OTHER', isElectronic: true, issuerRole: 'carrier' },
    ],
  ])('maps the DCSA eBL 3 notification %s', (file, data) => {
    const path = join(fixtures, 'valid/dcsa', file);
    const notification = JSON.parse(readFileSync(path, 'utf8')) as { id: string; source: string };
    const event = validator.validate(readFiling(path));
    expect(event).toMatchObject({
      id: notification.id,
      source: notification.source,
      type: 'sw.transport_document.v1',
      port: 'CNSHA',
    });
    expect(event.data).toEqual(data);
  });
});

describe('null in the data', () => {
  const schemas = dataSchemas();
  const cases = EVENT_TYPES.flatMap((type) =>
    Object.keys((schemas[EVENT_DATA_CLASSES[type].name] as { properties: object }).properties).map(
      (field) => [type, field] as const,
    ),
  );

  it.each(cases)('%s: %s = null is refused, naming the field, as the JSON Schema refuses it', (type, field) => {
    const filing = JSON.parse(readFileSync(join(fixtures, 'valid/json', `${type}.json`), 'utf8')) as {
      data: Record<string, unknown>;
    };
    filing.data[field] = null;
    let rejection: FilingRejectedException | undefined;
    try {
      validator.validate({ value: Buffer.from(JSON.stringify(filing)), headers: structured });
    } catch (error) {
      if (!(error instanceof FilingRejectedException)) throw error;
      rejection = error;
    }
    expect(rejection?.code).toBe('validation_failed');
    expect(rejection?.detail).toMatch(new RegExp(`(^|; )data\\.${field}\\b`));
  });
});

interface InvalidCase {
  file: string;
  headers: Record<string, string>;
  reason: string;
  detail: string;
}

describe('invalid fixtures', () => {
  const manifest = JSON.parse(readFileSync(join(fixtures, 'invalid/manifest.json'), 'utf8')) as InvalidCase[];

  it('covers a data validation failure for every event type', () => {
    for (const type of EVENT_TYPES) expect(manifest.map((c) => c.file)).toContain(`json/${type}.json`);
  });

  it.each(manifest.map((c) => [c.file, c] as const))(
    'rejects %s with its reason and a detail naming the field',
    (_file, testCase) => {
      let rejection: FilingRejectedException | undefined;
      try {
        validator.validate(readFiling(join(fixtures, 'invalid', testCase.file), testCase.headers));
      } catch (error) {
        if (!(error instanceof FilingRejectedException)) throw error;
        rejection = error;
      }
      expect(rejection?.code).toBe(testCase.reason);
      expect(rejection?.detail).toContain(testCase.detail);
    },
  );
});
