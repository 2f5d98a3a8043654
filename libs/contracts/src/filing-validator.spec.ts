import { FilingRejectCode, FilingRejectedException } from './filing-rejection.exception';
import { FilingValidator, type RawFiling } from './filing-validator';
import { PortRegistry } from './port-registry';

const ports = new PortRegistry([
  { id: 'CNSHA', name: 'Shanghai', nameZh: '上海', kind: 'sea', country: 'CN', timeZone: 'Asia/Shanghai' },
]);
const validator = new FilingValidator({
  ports,
  maxBytes: 4096,
  maxFutureMs: 5 * 60_000,
  now: () => new Date('2026-10-10T00:00:00Z'),
});

const permit = {
  specversion: '1.0',
  id: 'evt-1',
  source: 'urn:cnsha:quarantine',
  type: 'sw.permit.applied.v1',
  time: '2026-10-05T09:00:00+08:00',
  port: 'CNSHA',
  data: { permitId: 'P1', kind: 'food', channel: 'electronic' },
};

const line = { code: 'THC20', quantity: 2, amount: 1720.5, currency: 'CNY' };
const charge = {
  ...permit,
  type: 'sw.fee.charged.v1',
  data: { operatorId: 'OP-1', invoiceId: 'INV-1', lines: [line] },
};

function structured(envelope: unknown): RawFiling {
  return { value: Buffer.from(JSON.stringify(envelope)), headers: { 'content-type': 'application/cloudevents+json' } };
}

function rejection(filing: RawFiling): { code: FilingRejectCode; detail: string } {
  try {
    validator.validate(filing);
  } catch (error) {
    if (error instanceof FilingRejectedException) return { code: error.code, detail: error.detail };
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('FilingValidator', () => {
  it('normalises a structured-mode filing (time in UTC, data validated)', () => {
    expect(validator.validate(structured(permit))).toEqual({
      specversion: '1.0',
      id: 'evt-1',
      source: 'urn:cnsha:quarantine',
      type: 'sw.permit.applied.v1',
      time: '2026-10-05T01:00:00.000Z',
      port: 'CNSHA',
      datacontenttype: 'application/json',
      data: { permitId: 'P1', kind: 'food', channel: 'electronic' },
    });
  });

  it('reads binary mode: attributes in ce_* headers, JSON payload', () => {
    const event = validator.validate({
      value: Buffer.from(JSON.stringify(permit.data)),
      headers: {
        'content-type': 'application/json',
        ce_specversion: '1.0',
        ce_id: 'evt-1',
        ce_source: 'urn:cnsha:quarantine',
        ce_type: 'sw.permit.applied.v1',
        ce_time: '2026-10-05T09:00:00+08:00',
        ce_port: 'CNSHA',
      },
    });
    expect(event).toEqual(validator.validate(structured(permit)));
  });

  it('defaults verifiedOnline to false on certificates', () => {
    const event = validator.validate(
      structured({
        ...permit,
        type: 'sw.certificate.issued.v1',
        data: { certificateId: 'C1', kind: 'sps', direction: 'import', partnerCountry: 'NZ', electronic: true },
      }),
    );
    expect(event.data).toEqual({
      certificateId: 'C1',
      kind: 'sps',
      direction: 'import',
      partnerCountry: 'NZ',
      electronic: true,
      verifiedOnline: false,
    });
  });

  it.each([
    [
      'bad JSON',
      { value: Buffer.from('{"specversion":'), headers: {} },
      FilingRejectCode.InvalidJson,
      'body is not JSON',
    ],
    [
      'wrong specversion',
      structured({ ...permit, specversion: '0.3' }),
      FilingRejectCode.InvalidEnvelope,
      'specversion: must be "1.0"',
    ],
    ['missing id', structured({ ...permit, id: undefined }), FilingRejectCode.InvalidEnvelope, 'id: is required'],
    [
      'unknown type',
      structured({ ...permit, type: 'sw.unknown.v1' }),
      FilingRejectCode.UnknownType,
      'type: sw.unknown.v1',
    ],
    ['unknown port', structured({ ...permit, port: 'XXABC' }), FilingRejectCode.UnknownPort, 'port: XXABC'],
    [
      'time without offset',
      structured({ ...permit, time: '2026-10-05T09:00:00' }),
      FilingRejectCode.InvalidEnvelope,
      'time: must be an RFC 3339',
    ],
    [
      'a day that does not exist',
      structured({ ...permit, time: '2026-02-30T09:00:00+08:00' }),
      FilingRejectCode.InvalidEnvelope,
      'time: must be an RFC 3339',
    ],
    [
      'future time',
      structured({ ...permit, time: '2026-10-10T08:06:00+08:00' }),
      FilingRejectCode.FutureTime,
      'time: 2026-10-10T08:06:00+08:00',
    ],
    [
      'bad enum',
      structured({ ...permit, data: { ...permit.data, kind: 'fish' } }),
      FilingRejectCode.ValidationFailed,
      'data.kind',
    ],
    [
      'unknown field',
      structured({ ...permit, data: { ...permit.data, colour: 'red' } }),
      FilingRejectCode.ValidationFailed,
      'data.colour',
    ],
    [
      'an amount JavaScript writes with an exponent',
      structured({ ...charge, data: { ...charge.data, lines: [{ ...line, amount: 1e-7 }] } }),
      FilingRejectCode.ValidationFailed,
      'data.lines[0].amount must have at most 6 decimal places',
    ],
    [
      'a list of lines inside the list of lines',
      structured({ ...charge, data: { ...charge.data, lines: [[line]] } }),
      FilingRejectCode.ValidationFailed,
      'data.lines: each value in lines must be an object',
    ],
    ['oversize', structured({ ...permit, subject: 'x'.repeat(5000) }), FilingRejectCode.Oversize, 'limit is 4096'],
    [
      'XML for now',
      { value: Buffer.from('<a/>'), headers: { 'content-type': 'text/plain' } },
      FilingRejectCode.UnsupportedContentType,
      'text/plain',
    ],
  ])('rejects %s with a reason naming the field', (_name, filing, code, detail) => {
    const result = rejection(filing as RawFiling);
    expect(result.code).toBe(code);
    expect(result.detail).toContain(detail);
  });

  it('accepts a time up to 5 minutes ahead of the ingest clock', () => {
    expect(validator.validate(structured({ ...permit, time: '2026-10-10T08:05:00+08:00' })).time).toBe(
      '2026-10-10T00:05:00.000Z',
    );
  });
});
