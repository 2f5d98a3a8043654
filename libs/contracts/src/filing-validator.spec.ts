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

const certificateData = {
  certificateId: 'C1',
  kind: 'sps',
  direction: 'import',
  partnerCountry: 'NZ',
  electronic: true,
};
const transportDocumentData = {
  transportDocumentReference: 'HHL1',
  status: 'ISSUED',
  isElectronic: true,
  issuerRole: 'carrier',
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

const binaryHeaders = {
  ce_specversion: '1.0',
  ce_id: 'evt-1',
  ce_source: 'urn:cnsha:quarantine',
  ce_type: 'sw.permit.applied.v1',
  ce_time: '2026-10-05T09:00:00+08:00',
  ce_port: 'CNSHA',
};

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
      headers: { 'content-type': 'application/json', ...binaryHeaders },
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

  it.each(['/erp/sh', 'urn:x:y', 'https://a.example/b?c#d', '//erp.example/filings', 'urn:cnsha:%E6%B8%AF'])(
    'accepts the source %j, a URI-reference',
    (source) => {
      expect(validator.validate(structured({ ...permit, source })).source).toBe(source);
    },
  );

  it.each(['<bad>', '://', 'a\u0001b', 'http://x/%zz', 'urn:a b', 'urn:港口', '1x:y'])(
    'rejects the source %j, which is no URI-reference, naming source',
    (source) => {
      expect(rejection(structured({ ...permit, source }))).toEqual({
        code: FilingRejectCode.InvalidEnvelope,
        detail: expect.stringMatching(/^source: must be a URI-reference/) as unknown,
      });
    },
  );

  it('counts the id in characters (code points) as the JSON Schema does, not in UTF-16 code units', () => {
    expect(validator.validate(structured({ ...permit, id: '😀'.repeat(128) })).id).toBe('😀'.repeat(128));
    expect(validator.validate(structured({ ...permit, id: 'x'.repeat(128) })).id).toBe('x'.repeat(128));
    for (const id of ['😀'.repeat(129), 'x'.repeat(129), `${'x'.repeat(127)}😀😀`]) {
      expect(rejection(structured({ ...permit, id }))).toEqual({
        code: FilingRejectCode.InvalidEnvelope,
        detail: 'id: must be 1–128 characters',
      });
    }
  });

  it('counts data ids the same way', () => {
    expect(validator.validate(structured({ ...permit, data: { ...permit.data, permitId: '😀'.repeat(128) } }))).toEqual(
      expect.objectContaining({ data: expect.objectContaining({ permitId: '😀'.repeat(128) }) as unknown }),
    );
    expect(rejection(structured({ ...permit, data: { ...permit.data, permitId: '😀'.repeat(129) } })).detail).toContain(
      'data.permitId',
    );
  });

  it.each([
    ['2016-12-31T23:59:60Z', '2017-01-01T00:00:00.000Z'],
    ['2016-12-31T15:59:60-08:00', '2017-01-01T00:00:00.000Z'],
    ['2017-01-01T05:29:60.5+05:30', '2017-01-01T00:00:00.500Z'],
  ])('accepts the leap second %s as the next instant, %s', (time, utc) => {
    expect(validator.validate(structured({ ...permit, time })).time).toBe(utc);
  });

  it.each(['2016-12-31T23:58:60Z', '2026-10-05T12:00:60+08:00', '2016-12-31T23:59:61Z'])(
    'rejects %s: a second 60 is a leap second only at 23:59 UTC',
    (time) => {
      expect(rejection(structured({ ...permit, time }))).toEqual({
        code: FilingRejectCode.InvalidEnvelope,
        detail: 'time: must be an RFC 3339 date-time with offset',
      });
    },
  );

  it('rejects an empty subject, naming it (CloudEvents: a non-empty string when present)', () => {
    expect(rejection(structured({ ...permit, subject: '' }))).toEqual({
      code: FilingRejectCode.InvalidEnvelope,
      detail: 'subject: must be a non-empty string when present',
    });
    expect(validator.validate(structured({ ...permit, subject: 'PERMIT P1' })).subject).toBe('PERMIT P1');
  });

  it.each([
    ['sw.certificate.issued.v1', 'verifiedOnline', certificateData],
    ['sw.transport_document.v1', 'platform', transportDocumentData],
    ['sw.measure.status.v1', 'evidence', { measure: 11, level: 'pilot' }],
  ] as const)('rejects null for the optional %s field %s, naming it, instead of storing null', (type, field, data) => {
    const result = rejection(structured({ ...permit, type, data: { ...data, [field]: null } }));
    expect(result.code).toBe(FilingRejectCode.ValidationFailed);
    expect(result.detail).toMatch(new RegExp(`^data\\.${field} `));
  });

  it('keeps the default of an optional field that is left out', () => {
    expect(
      validator.validate(structured({ ...permit, type: 'sw.certificate.issued.v1', data: certificateData })).data,
    ).toMatchObject({ verifiedOnline: false });
  });

  it.each(['au', 'Au', 'aU'])('rejects the partner country %s, naming it: codes are upper case', (partnerCountry) => {
    const result = rejection(
      structured({ ...permit, type: 'sw.certificate.issued.v1', data: { ...certificateData, partnerCountry } }),
    );
    expect(result).toEqual({
      code: FilingRejectCode.ValidationFailed,
      detail: 'data.partnerCountry must be an upper-case ISO 3166-1 alpha-2 code',
    });
  });

  it('accepts a time up to 5 minutes ahead of the ingest clock', () => {
    expect(validator.validate(structured({ ...permit, time: '2026-10-10T08:05:00+08:00' })).time).toBe(
      '2026-10-10T00:05:00.000Z',
    );
  });
});

function xml(body: string, headers: Record<string, string> = {}): RawFiling {
  return { value: Buffer.from(body), headers: { ...binaryHeaders, 'content-type': 'application/xml', ...headers } };
}

const spsCertificate = `<?xml version="1.0" encoding="UTF-8"?>
<rsm:SPSCertificate xmlns:rsm="urn:un:unece:uncefact:data:standard:SPSCertificate:17"
    xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:21">
  <rsm:SPSExchangedDocument><ram:ID>AU-PC-1</ram:ID></rsm:SPSExchangedDocument>
  <rsm:SPSConsignment>
    <ram:ExportSPSCountry><ram:ID>AU</ram:ID></ram:ExportSPSCountry>
    <ram:ImportSPSCountry><ram:ID>CN</ram:ID></ram:ImportSPSCountry>
  </rsm:SPSConsignment>
</rsm:SPSCertificate>`;

describe('FilingValidator, binary mode', () => {
  it('reads ce_* headers without a content-type as binary mode with a JSON payload (Kafka binding)', () => {
    const event = validator.validate({ value: Buffer.from(JSON.stringify(permit.data)), headers: binaryHeaders });
    expect(event).toEqual(validator.validate(structured(permit)));
  });

  it('names the missing attribute of a binary-mode message without a content-type', () => {
    const { ce_source: _source, ...headers } = binaryHeaders;
    expect(rejection({ value: Buffer.from(JSON.stringify(permit.data)), headers })).toEqual({
      code: FilingRejectCode.InvalidEnvelope,
      detail: 'source: is required and must be a non-empty string',
    });
  });

  it('still reads a message with neither content-type nor ce_* headers as structured mode', () => {
    expect(validator.validate({ value: Buffer.from(JSON.stringify(permit)), headers: {} }).id).toBe('evt-1');
  });
});

describe('FilingValidator, SPS certificates', () => {
  it('maps an rsm:SPSCertificate with ce_type un.cefact.sps.certificate', () => {
    const event = validator.validate(xml(spsCertificate, { ce_type: 'un.cefact.sps.certificate' }));
    expect(event.type).toBe('sw.certificate.issued.v1');
    expect(event.data).toMatchObject({ certificateId: 'AU-PC-1', direction: 'import', partnerCountry: 'AU' });
  });

  it.each(['sw.permit.applied.v1', 'sw.certificate.issued.v1', 'sw.unknown.v1'])(
    'rejects an rsm:SPSCertificate with ce_type %s, naming type',
    (type) => {
      expect(rejection(xml(spsCertificate, { ce_type: type }))).toEqual({
        code: FilingRejectCode.InvalidXml,
        detail: `type: ${type} does not match the root element rsm:SPSCertificate; an SPS certificate has ce_type un.cefact.sps.certificate`,
      });
    },
  );

  it('rejects an rsm:SPSCertificate without ce_type, as any binary-mode XML without one', () => {
    const { ce_type: _type, ...headers } = binaryHeaders;
    expect(
      rejection({ value: Buffer.from(spsCertificate), headers: { ...headers, 'content-type': 'application/xml' } }),
    ).toEqual({ code: FilingRejectCode.InvalidEnvelope, detail: 'type: is required and must be a non-empty string' });
  });

  it('rejects ce_type un.cefact.sps.certificate on another root element, naming the root', () => {
    const body =
      '<sw.permit.applied.v1><permitId>P1</permitId><kind>food</kind><channel>paper</channel></sw.permit.applied.v1>';
    expect(rejection(xml(body, { ce_type: 'un.cefact.sps.certificate' }))).toEqual({
      code: FilingRejectCode.InvalidXml,
      detail:
        'body: root element is sw.permit.applied.v1, expected rsm:SPSCertificate (the ce_type un.cefact.sps.certificate)',
    });
  });
});

describe('FilingValidator, XML rendering', () => {
  const charged = (lines: string) =>
    xml(
      `<sw.fee.charged.v1><operatorId>OP-1</operatorId><invoiceId>INV-1</invoiceId><lines>${lines}</lines></sw.fee.charged.v1>`,
      { ce_type: 'sw.fee.charged.v1' },
    );
  const chargeLine = (quantity: string, amount = '1720.5') =>
    `<code>THC20</code><quantity>${quantity}</quantity><amount>${amount}</amount><currency>CNY</currency>`;

  it('reads <lines><line>…</line></lines> to the JSON array', () => {
    expect(validator.validate(charged(`<line>${chargeLine('2')}</line>`)).data).toEqual(charge.data);
  });

  it.each([
    [`<foo>${chargeLine('2')}</foo>`, 'data.lines: must hold <line> elements only, found <foo>'],
    [
      `<line>${chargeLine('2')}</line><item>${chargeLine('2')}</item>`,
      'data.lines: must hold <line> elements only, found <item>',
    ],
    [`text<line>${chargeLine('2')}</line>`, 'data.lines: must hold elements only, not text beside them'],
  ])('rejects the lines %s, naming the field', (lines, detail) => {
    expect(rejection(charged(lines))).toEqual({ code: FilingRejectCode.ValidationFailed, detail });
  });

  it.each([
    ['<permitId>P<b>x</b>1</permitId>', 'data.permitId: must be text only, found element <b>'],
    ['<permitId><b>P1</b></permitId>', 'data.permitId: must be text only, found element <b>'],
    ['note<permitId>P1</permitId>', 'data: must hold elements only, not text beside them'],
  ])('rejects mixed content %s instead of dropping part of it', (permitId, detail) => {
    const body = `<sw.permit.applied.v1>${permitId}<kind>food</kind><channel>electronic</channel></sw.permit.applied.v1>`;
    expect(rejection(xml(body))).toEqual({ code: FilingRejectCode.ValidationFailed, detail });
  });

  it('rejects an element inside a number or a boolean, naming the field', () => {
    expect(rejection(charged(`<line>${chargeLine('<n>2</n>')}</line>`)).detail).toBe(
      'data.lines[0].quantity: must be text only, found element <n>',
    );
  });

  it.each([
    ['+2', 2],
    ['2.', 2],
    ['.5', 0.5],
    ['+.5e1', 5],
    ['2E0', 2],
  ])('reads the decimal text %s as the number %d', (text, quantity) => {
    expect(validator.validate(charged(`<line>${chargeLine(text)}</line>`)).data).toEqual({
      ...charge.data,
      lines: [{ ...line, quantity }],
    });
  });

  it.each(['0x10', '1,5', '.', '+', 'Infinity', 'NaN', '1e'])(
    'rejects the number text %s, naming the field',
    (text) => {
      expect(rejection(charged(`<line>${chargeLine(text)}</line>`))).toEqual({
        code: FilingRejectCode.ValidationFailed,
        detail: expect.stringContaining('data.lines[0].quantity must be a number') as unknown,
      });
    },
  );
});

describe('FilingValidator, DCSA eBL 3 notifications', () => {
  const notification = {
    specversion: '1.0',
    id: 'dcsa-1',
    source: 'https://api.carrier.example/v3/transport-document-notifications',
    type: 'org.dcsa.transport-document.v3',
    time: '2026-10-06T12:00:00Z',
    port: 'CNSHA',
    data: {
      transportDocumentReference: 'HHL1',
      transportDocumentStatus: 'ISSUED',
      transportDocument: { isElectronic: true, issueToParty: { sendToPlatform: 'WAVE' } },
    },
  };
  const withDocument = (document: Record<string, unknown>, data: Record<string, unknown> = {}) =>
    structured({
      ...notification,
      data: {
        ...notification.data,
        ...data,
        transportDocument: { ...notification.data.transportDocument, ...document },
      },
    });

  it('maps a notification', () => {
    expect(validator.validate(structured(notification)).data).toEqual({
      transportDocumentReference: 'HHL1',
      status: 'ISSUED',
      isElectronic: true,
      issuerRole: 'carrier',
      platform: 'WAVE',
    });
  });

  it.each(['toString', 'constructor', '__proto__', 'DRAFT'])(
    'maps any other DCSA status, %s included, to OTHER',
    (status) => {
      expect(validator.validate(withDocument({}, { transportDocumentStatus: status })).data).toMatchObject({
        status: 'OTHER',
      });
    },
  );

  it.each([
    [
      'a missing status',
      structured({ ...notification, data: { transportDocumentReference: 'HHL1' } }),
      'data.transportDocumentStatus: is required and must be a DCSA transport document status such as ISSUED',
    ],
    [
      'a status that is no string',
      structured({ ...notification, data: { ...notification.data, transportDocumentStatus: 7 } }),
      'data.transportDocumentStatus: is required',
    ],
    [
      'isElectronic that is no boolean',
      withDocument({ isElectronic: 'yes' }),
      'data.transportDocument.isElectronic must be a boolean value',
    ],
    [
      'a platform code longer than 32',
      withDocument({ issueToParty: { sendToPlatform: 'P'.repeat(33) } }),
      'data.transportDocument.issueToParty.sendToPlatform must be shorter than or equal to 32 characters',
    ],
    [
      'a null platform code',
      withDocument({ issueToParty: { sendToPlatform: null } }),
      'data.transportDocument.issueToParty.sendToPlatform must be',
    ],
    [
      'a reference of the embedded document longer than 128',
      withDocument({ transportDocumentReference: 'R'.repeat(129) }, { transportDocumentReference: undefined }),
      'data.transportDocument.transportDocumentReference must be shorter than or equal to 128 characters',
    ],
    [
      'a reference of the notification longer than 128',
      withDocument({}, { transportDocumentReference: 'R'.repeat(129) }),
      'data.transportDocumentReference must be shorter than or equal to 128 characters',
    ],
  ])('rejects %s, naming the DCSA field', (_name, filing, detail) => {
    const result = rejection(filing);
    expect(result.code).toBe(FilingRejectCode.ValidationFailed);
    expect(result.detail).toContain(detail);
    expect(result.detail).not.toMatch(/data\.(status|isElectronic|platform)\b/);
  });

  it.each([
    [
      'the reference of the notification',
      withDocument({}, { transportDocumentReference: 'HH\u0000L1' }),
      'body.data.transportDocumentReference: must not contain NUL characters',
    ],
    [
      'the reference of the embedded document',
      withDocument({ transportDocumentReference: 'HH\u0000L1' }, { transportDocumentReference: undefined }),
      'body.data.transportDocument.transportDocumentReference: must not contain NUL characters',
    ],
    [
      'isElectronic',
      withDocument({ isElectronic: 'yes\u0000' }),
      'body.data.transportDocument.isElectronic: must not contain NUL characters',
    ],
    [
      'the platform code',
      withDocument({ issueToParty: { sendToPlatform: 'WA\u0000VE' } }),
      'body.data.transportDocument.issueToParty.sendToPlatform: must not contain NUL characters',
    ],
  ])('rejects a NUL character in %s, naming the DCSA field', (_name, filing, detail) => {
    expect(rejection(filing)).toEqual({ code: FilingRejectCode.ValidationFailed, detail });
  });

  it('rejects a notification whose data is no object, as any event', () => {
    expect(rejection(structured({ ...notification, data: 'ISSUED' }))).toEqual({
      code: FilingRejectCode.InvalidEnvelope,
      detail: 'data: must be a JSON object',
    });
  });
});
