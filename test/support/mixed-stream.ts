import type { OutgoingMessage } from '@portscore/messaging';

export interface MixedStream {
  messages: OutgoingMessage[];
  expected: { accepted: number; duplicates: number; rejected: number; byReason: Record<string, number> };
}

const PORTS = ['CNSHA', 'CNNGB', 'CNTAO', 'CNSZX', 'CNPVG', 'CNAKA'];
const STRUCTURED = { 'content-type': 'application/cloudevents+json' };

function envelope(id: string, port: string, type: string, data: object, time = '2026-10-12T08:00:00+08:00') {
  return { specversion: '1.0', id, source: `urn:test:${port.toLowerCase()}`, type, time, port, data };
}

function valid(n: number) {
  const port = PORTS[n % PORTS.length]!;
  const id = `mix-${n}`;
  switch (n % 4) {
    case 0:
      return envelope(id, port, 'sw.permit.applied.v1', { permitId: `P${n}`, kind: 'food', channel: 'electronic' });
    case 1:
      return envelope(id, port, 'sw.bonded.filing.v1', { filingId: `F${n}`, source: n % 3 === 0 ? 'manual' : 'erp' });
    case 2:
      return envelope(id, port, 'sw.fee.charged.v1', {
        operatorId: 'OP1',
        invoiceId: `I${n}`,
        lines: [{ code: 'THC', quantity: 1, amount: 500, currency: 'CNY' }],
      });
    default:
      return envelope(id, port, 'sw.equipment_interchange.v1', {
        eirId: `E${n}`,
        containerNumber: 'MSCU1234565',
        direction: 'gate_in',
        electronic: n % 2 === 0,
      });
  }
}

/**
 * A deterministic stream of filings with bad ones inside: new events, exact re-sends
 * (duplicates), re-sends with changed content (conflicts) and malformed filings of several kinds.
 * A re-send follows its original on the same partition (same port key), so outcomes are fixed.
 */
export function mixedStream(
  validCount: number,
  duplicateCount: number,
  conflictCount: number,
  invalidCount: number,
): MixedStream {
  const originals = Array.from({ length: validCount }, (_, n) => valid(n));
  const messages: OutgoingMessage[] = originals.map((e) => ({
    key: e.port,
    value: JSON.stringify(e),
    headers: STRUCTURED,
  }));
  const byReason: Record<string, number> = { conflict: conflictCount };
  const count = (reason: string) => (byReason[reason] = (byReason[reason] ?? 0) + 1);

  for (let i = 0; i < duplicateCount; i += 1) {
    const original = originals[(i * 7) % validCount]!;
    messages.push({ key: original.port, value: JSON.stringify(original), headers: STRUCTURED });
  }
  for (let i = 0; i < conflictCount; i += 1) {
    const original = originals[(i * 13 + 5) % validCount]!;
    const changed = { ...original, time: '2026-10-13T08:00:00+08:00' };
    messages.push({ key: original.port, value: JSON.stringify(changed), headers: STRUCTURED });
  }
  for (let i = 0; i < invalidCount; i += 1) {
    const port = PORTS[i % PORTS.length]!;
    const id = `bad-${i}`;
    switch (i % 6) {
      case 0:
        messages.push({ key: port, value: `{"specversion":"1.0","id":"${id}"`, headers: STRUCTURED });
        count('invalid_json');
        break;
      case 1:
        messages.push({
          key: port,
          value: JSON.stringify(envelope(id, port, 'sw.unknown.v1', {})),
          headers: STRUCTURED,
        });
        count('unknown_type');
        break;
      case 2:
        messages.push({
          key: port,
          value: JSON.stringify(envelope(id, 'XXZZZ', 'sw.bonded.filing.v1', { filingId: id, source: 'erp' })),
          headers: STRUCTURED,
        });
        count('unknown_port');
        break;
      case 3:
        messages.push({
          key: port,
          value: JSON.stringify(envelope(id, port, 'sw.bonded.filing.v1', { filingId: id, source: 'fax' })),
          headers: STRUCTURED,
        });
        count('validation_failed');
        break;
      case 4:
        messages.push({
          key: port,
          value: JSON.stringify(
            envelope(id, port, 'sw.bonded.filing.v1', { filingId: id, source: 'erp' }, '2099-01-01T00:00:00Z'),
          ),
          headers: STRUCTURED,
        });
        count('future_time');
        break;
      default:
        messages.push({
          key: port,
          value: `<!DOCTYPE x [<!ENTITY a "aaaa">]><sw.bonded.filing.v1><filingId>&a;</filingId><source>erp</source></sw.bonded.filing.v1>`,
          headers: {
            'content-type': 'application/xml',
            ce_specversion: '1.0',
            ce_id: id,
            ce_source: 'urn:test',
            ce_type: 'sw.bonded.filing.v1',
            ce_time: '2026-10-12T08:00:00+08:00',
            ce_port: port,
          },
        });
        count('xml_doctype_forbidden');
    }
  }
  return {
    messages,
    expected: { accepted: validCount, duplicates: duplicateCount, rejected: conflictCount + invalidCount, byReason },
  };
}
