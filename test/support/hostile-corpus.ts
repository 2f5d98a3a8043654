import type { OutgoingMessage } from '@portscore/messaging';

export interface HostileFiling {
  name: string;
  message: OutgoingMessage;
  /** The reject reason expected, or 'accepted' for a hostile-looking but valid filing. */
  expect: string;
}

const STRUCTURED = { 'content-type': 'application/cloudevents+json' };

function envelope(
  id: string,
  overrides: Record<string, unknown> = {},
  data: Record<string, unknown> = { filingId: id, source: 'erp' },
) {
  return {
    specversion: '1.0',
    id,
    source: 'urn:hostile:test',
    type: 'sw.bonded.filing.v1',
    time: '2026-10-05T09:00:00+08:00',
    port: 'CNSHA',
    data,
    ...overrides,
  };
}

function json(
  name: string,
  value: string | Buffer,
  expect: string,
  headers: Record<string, string> = STRUCTURED,
): HostileFiling {
  return { name, message: { key: 'CNSHA', value, headers: { ...headers, 'x-case': name } }, expect };
}

function xml(name: string, body: string, expect: string, type = 'sw.bonded.filing.v1'): HostileFiling {
  return json(name, body, expect, {
    'content-type': 'application/xml',
    ce_specversion: '1.0',
    ce_id: name,
    ce_source: 'urn:hostile:test',
    ce_type: type,
    ce_time: '2026-10-05T09:00:00+08:00',
    ce_port: 'CNSHA',
  });
}

/**
 * At least 200 malformed or hostile filings, each with the outcome it must get: truncated and
 * invalid JSON, very deep nesting, multi-megabyte strings, entity bombs and external entities,
 * prototype keys, wrong types, NaN and Infinity, invalid UTF-8, extreme times, injection
 * fragments, unknown fields — and a few valid ones carrying odd but legal content.
 */
export function hostileCorpus(): HostileFiling[] {
  const corpus: HostileFiling[] = [];
  const valid = JSON.stringify(envelope('h-valid'));
  // Truncations of a valid filing at every 7th byte: never valid JSON.
  for (let cut = 1; cut < valid.length; cut += 3)
    corpus.push(json(`truncated-${cut}`, valid.slice(0, cut), 'invalid_json'));
  for (const [i, text] of [
    '',
    ' ',
    'null',
    '[]',
    '"text"',
    '42',
    'true',
    '{',
    '}',
    '{"a":}',
    '{,}',
    "{'single':'quotes'}",
    '{"a":1,}',
    'NaN',
    'Infinity',
    '{"id": NaN}',
    '{"x": Infinity}',
    '{"x": -Infinity}',
    '{"x": undefined}',
    '\u0000',
  ].entries()) {
    const expect = ['null', '[]', '"text"', '42', 'true'].includes(text) ? 'invalid_envelope' : 'invalid_json';
    corpus.push(json(`not-json-${i}`, text, expect));
  }
  const deep = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  corpus.push(
    json(
      'nesting-10000-in-data',
      `{"specversion":"1.0","id":"deep","source":"urn:x","type":"sw.bonded.filing.v1","time":"2026-10-05T09:00:00+08:00","port":"CNSHA","data":${deep(10_000)}}`,
      'validation_failed',
    ),
  );
  corpus.push(json('nesting-10000-array', `${'['.repeat(10_000)}${']'.repeat(10_000)}`, 'invalid_envelope'));
  corpus.push(json('nesting-10000-top', deep(10_000), 'validation_failed'));
  corpus.push(json('nesting-100000-unclosed', '['.repeat(100_000), 'invalid_json'));
  corpus.push(json('string-3mb-in-id', JSON.stringify(envelope('x'.repeat(3 * 1024 * 1024))), 'oversize'));
  corpus.push(
    json(
      'string-900kb-in-filing-id',
      JSON.stringify(envelope('big-field', {}, { filingId: 'y'.repeat(900_000), source: 'erp' })),
      'validation_failed',
    ),
  );
  corpus.push(
    json(
      'string-900kb-unknown-field',
      JSON.stringify(envelope('big-unknown', {}, { filingId: 'F', source: 'erp', note: 'z'.repeat(900_000) })),
      'validation_failed',
    ),
  );
  const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]><sw.bonded.filing.v1><filingId>&lol9;</filingId><source>erp</source></sw.bonded.filing.v1>`;
  corpus.push(xml('billion-laughs', laughs, 'xml_doctype_forbidden'));
  corpus.push(xml('billion-laughs-lowercase', laughs.replace('<!DOCTYPE', '<!doctype'), 'xml_doctype_forbidden'));
  corpus.push(
    xml(
      'xxe-file',
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><sw.bonded.filing.v1><filingId>&x;</filingId><source>erp</source></sw.bonded.filing.v1>',
      'xml_doctype_forbidden',
    ),
  );
  corpus.push(
    xml(
      'xxe-http',
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "http://127.0.0.1:9/">]><sw.bonded.filing.v1><filingId>&x;</filingId><source>erp</source></sw.bonded.filing.v1>',
      'xml_doctype_forbidden',
    ),
  );
  corpus.push(
    xml(
      'xml-parameter-entity',
      '<!DOCTYPE r [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]><r/>',
      'xml_doctype_forbidden',
    ),
  );
  corpus.push(
    xml(
      'xml-undefined-entity',
      '<sw.bonded.filing.v1><filingId>&undefined;</filingId><source>erp</source></sw.bonded.filing.v1>',
      'invalid_xml',
    ),
  );
  corpus.push(
    xml(
      'xml-deep',
      `<sw.bonded.filing.v1><filingId>${'<a>'.repeat(5000)}x${'</a>'.repeat(5000)}</filingId><source>erp</source></sw.bonded.filing.v1>`,
      'validation_failed',
    ),
  );
  corpus.push(xml('xml-truncated', '<sw.bonded.filing.v1><filingId>F1</filingId><source>er', 'invalid_xml'));
  corpus.push(xml('xml-two-roots', '<sw.bonded.filing.v1/><sw.bonded.filing.v1/>', 'validation_failed'));
  corpus.push(
    xml(
      'xml-cdata-script',
      '<sw.bonded.filing.v1><filingId><![CDATA[<script>alert(1)</script>]]></filingId><source>erp</source></sw.bonded.filing.v1>',
      'accepted',
    ),
  );
  corpus.push(
    xml(
      'xml-proto-element',
      '<sw.bonded.filing.v1><filingId>F</filingId><source>erp</source><__proto__><polluted>yes</polluted></__proto__></sw.bonded.filing.v1>',
      'validation_failed',
    ),
  );
  corpus.push(
    xml(
      'xml-boolean-number',
      '<sw.dangerous_goods.inspection.v1><lotId>L</lotId><product>other</product><batchInspection>1</batchInspection></sw.dangerous_goods.inspection.v1>',
      'validation_failed',
      'sw.dangerous_goods.inspection.v1',
    ),
  );
  for (const key of ['__proto__', 'constructor', 'prototype']) {
    corpus.push(
      json(
        `proto-in-data-${key}`,
        `{"specversion":"1.0","id":"p-${key}","source":"urn:x","type":"sw.bonded.filing.v1","time":"2026-10-05T09:00:00+08:00","port":"CNSHA","data":{"filingId":"F","source":"erp","${key}":{"polluted":true}}}`,
        'validation_failed',
      ),
    );
    corpus.push(
      json(
        `proto-in-envelope-${key}`,
        `{"specversion":"1.0","id":"e-${key}","source":"urn:x","type":"sw.bonded.filing.v1","time":"2026-10-05T09:00:00+08:00","port":"CNSHA","${key}":{"polluted":true},"data":{"filingId":"F","source":"erp"}}`,
        'validation_failed',
      ),
    );
  }
  const wrongTypes: Array<[string, Record<string, unknown>, string]> = [
    ['id-number', { id: 42 }, 'invalid_envelope'],
    ['id-object', { id: { a: 1 } }, 'invalid_envelope'],
    ['id-empty', { id: '' }, 'invalid_envelope'],
    ['source-array', { source: ['a'] }, 'invalid_envelope'],
    ['source-space', { source: 'urn:a b' }, 'invalid_envelope'],
    ['type-number', { type: 7 }, 'invalid_envelope'],
    ['type-sql', { type: "sw.bonded.filing.v1'; DROP TABLE event; --" }, 'unknown_type'],
    ['port-lowercase', { port: 'cnsha' }, 'unknown_port'],
    ['port-sql', { port: "CNSHA' OR '1'='1" }, 'unknown_port'],
    ['port-null', { port: null }, 'invalid_envelope'],
    ['time-number', { time: 1760000000 }, 'invalid_envelope'],
    ['time-date-only', { time: '2026-10-05' }, 'invalid_envelope'],
    ['time-year-10000', { time: '10000-01-01T00:00:00Z' }, 'invalid_envelope'],
    ['time-far-future', { time: '9999-12-31T23:59:59Z' }, 'future_time'],
    ['time-six-minutes-ahead', { time: new Date(Date.now() + 6 * 60_000).toISOString() }, 'future_time'],
    ['time-far-past', { time: '0001-01-01T00:00:00Z' }, 'accepted'],
    ['time-1970', { time: '1970-01-01T00:00:00+14:00' }, 'accepted'],
    ['time-hour-25', { time: '2026-10-05T25:00:00Z' }, 'invalid_envelope'],
    ['specversion-number', { specversion: 1.0 }, 'invalid_envelope'],
    ['subject-object', { subject: { a: 1 } }, 'invalid_envelope'],
    ['data-array', { data: [1, 2] }, 'invalid_envelope'],
    ['data-string', { data: 'x' }, 'invalid_envelope'],
    ['data-null', { data: null }, 'invalid_envelope'],
  ];
  for (const [name, overrides, expect] of wrongTypes)
    corpus.push(json(`wrong-${name}`, JSON.stringify(envelope(`w-${name}`, overrides)), expect));
  const dataCases: Array<[string, Record<string, unknown>, string]> = [
    ['source-number', { filingId: 'F', source: 1 }, 'validation_failed'],
    ['source-sql', { filingId: 'F', source: "erp'; DELETE FROM filing_receipt; --" }, 'validation_failed'],
    ['filing-id-number', { filingId: 123, source: 'erp' }, 'validation_failed'],
    ['filing-id-empty', { filingId: '', source: 'erp' }, 'validation_failed'],
    ['filing-id-129', { filingId: 'x'.repeat(129), source: 'erp' }, 'validation_failed'],
    ['filing-id-sql', { filingId: "F'); DROP TABLE case_milestone; --", source: 'erp' }, 'accepted'],
    ['filing-id-script', { filingId: '<script>alert(document.cookie)</script>', source: 'erp' }, 'accepted'],
    ['filing-id-unicode', { filingId: '保税备案‮رمز😀', source: 'erp' }, 'accepted'],
    ['unknown-field', { filingId: 'F', source: 'erp', extra: 1 }, 'validation_failed'],
    ['missing-field', { filingId: 'F' }, 'validation_failed'],
    ['nul-in-value', { filingId: 'F\u0000G', source: 'erp' }, 'validation_failed'],
  ];
  for (const [name, data, expect] of dataCases)
    corpus.push(json(`data-${name}`, JSON.stringify(envelope(`d-${name}`, {}, data)), expect));
  const fees: Array<[string, unknown, string]> = [
    ['amount-string', [{ code: 'A', quantity: 1, amount: '100', currency: 'CNY' }], 'validation_failed'],
    ['amount-negative', [{ code: 'A', quantity: 1, amount: -1, currency: 'CNY' }], 'validation_failed'],
    ['amount-huge-exponent', [{ code: 'A', quantity: 1, amount: 1e308, currency: 'CNY' }], 'accepted'],
    ['amount-overflow', '[{"code":"A","quantity":1,"amount":1e400,"currency":"CNY"}]', 'validation_failed'],
    ['quantity-nan-text', '[{"code":"A","quantity":NaN,"amount":1,"currency":"CNY"}]', 'invalid_json'],
    ['lines-empty', [], 'validation_failed'],
    ['lines-object', { code: 'A' }, 'validation_failed'],
    ['lines-null-item', [null], 'validation_failed'],
    [
      'lines-3000',
      Array.from({ length: 3000 }, () => ({ code: 'A', quantity: 1, amount: 1, currency: 'CNY' })),
      'validation_failed',
    ],
    ['currency-lowercase', [{ code: 'A', quantity: 1, amount: 1, currency: 'cny' }], 'validation_failed'],
  ];
  for (const [name, lines, expect] of fees) {
    const linesText = typeof lines === 'string' ? lines : JSON.stringify(lines);
    corpus.push(
      json(
        `fee-${name}`,
        `{"specversion":"1.0","id":"fee-${name}","source":"urn:x","type":"sw.fee.charged.v1","time":"2026-10-05T09:00:00+08:00","port":"CNSHA","data":{"operatorId":"OP","invoiceId":"I","lines":${linesText}}}`,
        expect,
      ),
    );
  }
  // Invalid UTF-8 in several places.
  for (const [i, bytes] of [
    [0xff],
    [0xc0, 0x80],
    [0xed, 0xa0, 0x80],
    [0xf8, 0x88, 0x80, 0x80, 0x80],
    [0xe2, 0x82],
  ].entries()) {
    const text = Buffer.from(JSON.stringify(envelope(`u-${i}`, {}, { filingId: 'AAAA', source: 'erp' })));
    const at = text.indexOf('AAAA');
    corpus.push(
      json(
        `invalid-utf8-${i}`,
        Buffer.concat([text.subarray(0, at), Buffer.from(bytes), text.subarray(at + 1)]),
        'invalid_encoding',
      ),
    );
  }
  // A UTF-8 byte order mark is legal and ignored.
  corpus.push(
    json(
      'utf8-bom',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(envelope('bom')))]),
      'accepted',
    ),
  );
  corpus.push(json('utf16', Buffer.from(JSON.stringify(envelope('utf16')), 'utf16le'), 'invalid_json'));
  corpus.push(
    json('content-type-html', JSON.stringify(envelope('html')), 'unsupported_content_type', {
      'content-type': 'text/html',
    }),
  );
  corpus.push(
    json('content-type-garbage', JSON.stringify(envelope('garbage')), 'unsupported_content_type', {
      'content-type': '\u00ff\u00fe;;',
    }),
  );
  corpus.push(
    json('binary-no-attributes', JSON.stringify({ filingId: 'F', source: 'erp' }), 'invalid_envelope', {
      'content-type': 'application/json',
    }),
  );
  // Every event type with its data replaced by each of a few wrong shapes.
  const types = [
    'sw.permit.applied.v1',
    'sw.certificate.issued.v1',
    'sw.clearance.milestone.v1',
    'sw.fee.catalogue.published.v1',
    'sw.lab.test.v1',
    'sw.verification.v1',
    'sw.measure.status.v1',
  ];
  for (const type of types) {
    for (const [shape, data] of [
      ['empty', {}],
      ['numbers', { a: 1, b: 2 }],
      ['nested-arrays', { x: [[[[]]]] }],
    ] as const) {
      corpus.push(
        json(
          `shape-${type}-${shape}`,
          JSON.stringify(envelope(`s-${type}-${shape}`, { type }, data as Record<string, unknown>)),
          'validation_failed',
        ),
      );
    }
  }
  // Many small valid filings with odd but legal content, and exact re-sends of them.
  for (let i = 0; i < 20; i += 1)
    corpus.push(
      json(
        `valid-${i}`,
        JSON.stringify(envelope(`ok-${i}`, { subject: `'; SELECT pg_sleep(10); -- ${i}` })),
        'accepted',
      ),
    );
  for (let i = 0; i < 5; i += 1)
    corpus.push(
      json(
        `resend-${i}`,
        JSON.stringify(envelope(`ok-${i}`, { subject: `'; SELECT pg_sleep(10); -- ${i}` })),
        'duplicate',
      ),
    );
  return corpus;
}
