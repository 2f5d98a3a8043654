import { FilingValidator, PortRegistry } from '@portscore/contracts';
import type { MessagePublisher, OutgoingMessage } from '@portscore/messaging';
import type { FilingReceipt, FilingReceiptStore } from '@portscore/persistence';

import type { IncomingFiling } from './ingest-filings.command';
import { IngestFilingsUseCase } from './ingest-filings.usecase';

class MemoryReceipts implements FilingReceiptStore {
  readonly stored = new Map<string, string>();
  async digests(keys: Array<Pick<FilingReceipt, 'source' | 'id'>>) {
    return new Map(keys.flatMap((k) => (this.stored.has(`${k.source} ${k.id}`) ? [[`${k.source} ${k.id}`, this.stored.get(`${k.source} ${k.id}`)!] as const] : [])));
  }
  async record(receipts: FilingReceipt[]) {
    for (const r of receipts) if (!this.stored.has(`${r.source} ${r.id}`)) this.stored.set(`${r.source} ${r.id}`, r.digest);
  }
}

class MemoryPublisher implements MessagePublisher {
  readonly sent: Record<string, OutgoingMessage[]> = {};
  async publish(topic: string, messages: OutgoingMessage[]) {
    (this.sent[topic] ??= []).push(...messages);
  }
}

const ports = new PortRegistry([{ id: 'CNSHA', name: 'Shanghai', nameZh: '上海', kind: 'sea', country: 'CN', timeZone: 'Asia/Shanghai' }]);

function filing(envelope: object, origin = 'test/0/0'): IncomingFiling {
  const value = Buffer.from(JSON.stringify(envelope));
  return { value, headers: { 'content-type': 'application/cloudevents+json' }, rawHeaders: { 'content-type': Buffer.from('application/cloudevents+json'), 'x-trace': Buffer.from([0xff, 0x00]) }, key: 'CNSHA', origin };
}

const applied = (id: string, permitId = 'P1') => ({
  specversion: '1.0', id, source: 'urn:q', type: 'sw.permit.applied.v1', time: '2026-10-05T09:00:00+08:00', port: 'CNSHA',
  data: { permitId, kind: 'food', channel: 'paper' },
});

function setup() {
  const receipts = new MemoryReceipts();
  const publisher = new MemoryPublisher();
  const validator = new FilingValidator({ ports, maxBytes: 1 << 20, maxFutureMs: 300_000, now: () => new Date('2026-11-01T00:00:00Z') });
  const useCase = new IngestFilingsUseCase(validator, receipts, publisher, { events: 'events', deadLetters: 'dlq' });
  return { receipts, publisher, useCase };
}

describe('IngestFilingsUseCase', () => {
  it('accepts new filings, counts repeats as duplicates and dead-letters conflicts and bad input', async () => {
    const { publisher, useCase } = setup();
    const first = await useCase.execute({ filings: [filing(applied('a')), filing(applied('a')), filing(applied('b'))] });
    expect(first).toMatchObject({ accepted: 2, duplicates: 1, rejected: 0 });

    const second = await useCase.execute({
      filings: [filing(applied('a')), filing(applied('b', 'P-other')), filing({ ...applied('c'), port: 'ZZZZZ' }, 'test/0/9')],
    });
    expect(second.outcomes.map((o) => o.status)).toEqual(['duplicate', 'rejected', 'rejected']);
    expect(second.outcomes[1]).toMatchObject({ reason: 'conflict' });
    expect(second.outcomes[2]).toMatchObject({ reason: 'unknown_port' });

    expect(publisher.sent.events).toHaveLength(2);
    expect(JSON.parse(publisher.sent.events![0]!.value as string)).toMatchObject({ id: 'a', time: '2026-10-05T01:00:00.000Z' });
    const dead = publisher.sent.dlq!;
    expect(dead).toHaveLength(2);
    // Original bytes and headers travel untouched, with the reason added.
    expect(dead[1]!.value).toEqual(Buffer.from(JSON.stringify({ ...applied('c'), port: 'ZZZZZ' })));
    expect(dead[1]!.headers).toMatchObject({ 'x-reject-reason': 'unknown_port', 'x-origin': 'test/0/9', 'x-trace': Buffer.from([0xff, 0x00]) });
    expect(String(dead[1]!.headers!['x-reject-detail'])).toContain('port: ZZZZZ');
  });

  it('treats the same event in binary mode as a duplicate of its structured form', async () => {
    const { useCase } = setup();
    await useCase.execute({ filings: [filing(applied('a'))] });
    const event = applied('a');
    const binary: IncomingFiling = {
      value: Buffer.from(JSON.stringify(event.data)),
      headers: {
        'content-type': 'application/json', ce_specversion: '1.0', ce_id: 'a', ce_source: 'urn:q',
        ce_type: event.type, ce_time: '2026-10-05T01:00:00Z', ce_port: 'CNSHA',
      },
      rawHeaders: {},
      key: 'CNSHA',
      origin: 'test/0/1',
    };
    expect((await useCase.execute({ filings: [binary] })).outcomes[0]!.status).toBe('duplicate');
  });
});
