import type { OutgoingMessage } from '@portscore/messaging';

const PORTS = ['CNSHA', 'CNNGB', 'CNTAO', 'CNSZX', 'CNCAN', 'CNTSN', 'CNXMN', 'CNDLC', 'CNPVG', 'CNPEK'];
const STRUCTURED = { 'content-type': 'application/cloudevents+json' };

/**
 * Gateway load: filings of several types (a fee charge with lines, permits, EIRs, an XML
 * clearance milestone), with one in 20 a re-send and one in 20 invalid.
 */
export function gatewayLoad(count: number, runId: string): OutgoingMessage[] {
  const messages: OutgoingMessage[] = [];
  for (let n = 0; n < count; n += 1) {
    const port = PORTS[n % PORTS.length]!;
    if (n % 20 === 19) {
      // A re-send of an earlier valid filing, byte for byte.
      messages.push(messages[n - 2]!);
      continue;
    }
    const id = `${runId}-${n}`;
    const base = {
      specversion: '1.0',
      id,
      source: `urn:bench:${port.toLowerCase()}`,
      time: '2026-10-12T08:00:00+08:00',
      port,
    };
    if (n % 20 === 18) {
      messages.push({
        key: port,
        value: JSON.stringify({ ...base, type: 'sw.bonded.filing.v1', data: { filingId: id, source: 'fax' } }),
        headers: STRUCTURED,
      });
      continue;
    }
    switch (n % 4) {
      case 0:
        messages.push({
          key: port,
          value: JSON.stringify({
            ...base,
            type: 'sw.permit.applied.v1',
            data: { permitId: id, kind: 'food', channel: 'electronic' },
          }),
          headers: STRUCTURED,
        });
        break;
      case 1:
        messages.push({
          key: port,
          value: JSON.stringify({
            ...base,
            type: 'sw.fee.charged.v1',
            data: {
              operatorId: 'OP1',
              invoiceId: id,
              lines: [
                { code: 'THC20', quantity: 2, amount: 1720, currency: 'CNY' },
                { code: 'DOC', quantity: 1, amount: 450, currency: 'CNY' },
              ],
            },
          }),
          headers: STRUCTURED,
        });
        break;
      case 2:
        messages.push({
          key: port,
          value: JSON.stringify({
            ...base,
            type: 'sw.equipment_interchange.v1',
            data: { eirId: id, containerNumber: 'MSCU1234565', direction: 'gate_in', electronic: true },
          }),
          headers: STRUCTURED,
        });
        break;
      default:
        messages.push({
          key: port,
          value: `<sw.clearance.milestone.v1><declarationId>${id}</declarationId><milestone>released</milestone><goods>general</goods><enterpriseId>E1</enterpriseId><creditLevel>general</creditLevel></sw.clearance.milestone.v1>`,
          headers: {
            'content-type': 'application/xml',
            ce_specversion: '1.0',
            ce_id: id,
            ce_source: base.source,
            ce_type: 'sw.clearance.milestone.v1',
            ce_time: base.time,
            ce_port: port,
          },
        });
    }
  }
  return messages;
}
