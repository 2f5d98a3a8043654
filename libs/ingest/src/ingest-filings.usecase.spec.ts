import { type CanonicalEvent, FilingValidator, PortRegistry } from '@portscore/contracts';
import type { MessagePublisher, OutgoingMessage } from '@portscore/messaging';
import type {
  ConsumerPosition,
  EventClaim,
  IngestRecord,
  IngestStore,
  IngestUnit,
  OutcomeCount,
} from '@portscore/persistence';

import type { IncomingFiling } from './ingest-filings.command';
import { IngestFilingsUseCase } from './ingest-filings.usecase';

/**
 * Keeps what a transaction claimed and recorded only if its work returns, like the database; one
 * transaction at a time, as the partition lock makes them for one partition.
 */
class MemoryIngestStore implements IngestStore {
  /** Digest by "source id" of each stored event, and the event as stored. */
  stored = new Map<string, string>();
  documents = new Map<string, CanonicalEvent>();
  totals = new Map<string, number>();
  positions = new Map<string, string>();
  private last: Promise<unknown> = Promise.resolve();

  transaction<T>(work: (unit: IngestUnit) => Promise<T>): Promise<T> {
    const next = this.last.catch(() => undefined).then(() => this.run(work));
    this.last = next;
    return next;
  }

  private async run<T>(work: (unit: IngestUnit) => Promise<T>): Promise<T> {
    const stored = new Map(this.stored);
    const documents = new Map(this.documents);
    const totals = new Map(this.totals);
    const positions = new Map(this.positions);
    const unit: IngestUnit = {
      holdPosition: async (p) => positions.get(`${p.groupId}|${p.topic}|${p.partition}`),
      claim: async (claims: EventClaim[]) => {
        const found = new Map<string, string>();
        for (const r of claims) {
          const key = `${r.event.source} ${r.event.id}`;
          const digest = stored.get(key);
          if (digest === undefined) {
            stored.set(key, r.digest);
            documents.set(key, r.event);
          } else if (this.stored.has(key)) found.set(key, digest);
        }
        return found;
      },
      record: async (entry: IngestRecord) => {
        for (const c of entry.counts)
          totals.set(`${c.outcome}|${c.reason}`, (totals.get(`${c.outcome}|${c.reason}`) ?? 0) + c.count);
        if (entry.position) {
          const p = entry.position;
          positions.set(`${p.groupId}|${p.topic}|${p.partition}`, p.nextOffset);
        }
      },
    };
    const result = await work(unit);
    Object.assign(this, { stored, documents, totals, positions });
    return result;
  }

  async nextOffset(p: Omit<ConsumerPosition, 'nextOffset'>) {
    return this.positions.get(`${p.groupId}|${p.topic}|${p.partition}`);
  }

  async counts(): Promise<OutcomeCount[]> {
    return [...this.totals].map(([key, count]) => {
      const [outcome, reason] = key.split('|') as [OutcomeCount['outcome'], string];
      return { outcome, reason, count };
    });
  }
}

class MemoryPublisher implements MessagePublisher {
  readonly sent: Record<string, OutgoingMessage[]> = {};
  async publish(topic: string, messages: OutgoingMessage[]) {
    (this.sent[topic] ??= []).push(...messages);
  }
}

const ports = new PortRegistry([
  { id: 'CNSHA', name: 'Shanghai', nameZh: '上海', kind: 'sea', country: 'CN', timeZone: 'Asia/Shanghai' },
  { id: 'CNNGB', name: 'Ningbo', nameZh: '宁波', kind: 'sea', country: 'CN', timeZone: 'Asia/Shanghai' },
]);

function filing(envelope: object, offset?: number): IncomingFiling {
  return {
    value: Buffer.from(JSON.stringify(envelope)),
    headers: { 'content-type': 'application/cloudevents+json' },
    rawHeaders: { 'content-type': Buffer.from('application/cloudevents+json'), 'x-trace': Buffer.from([0xff, 0x00]) },
    key: 'CNSHA',
    origin: `test/0/${offset ?? 0}`,
    ...(offset !== undefined ? { offset: String(offset) } : {}),
  };
}

const applied = (id: string, permitId = 'P1', port = 'CNSHA') => ({
  specversion: '1.0',
  id,
  source: 'urn:q',
  type: 'sw.permit.applied.v1',
  time: '2026-10-05T09:00:00+08:00',
  port,
  data: { permitId, kind: 'food', channel: 'paper' },
});

function setup() {
  const store = new MemoryIngestStore();
  const publisher = new MemoryPublisher();
  const validator = new FilingValidator({
    ports,
    maxBytes: 1 << 20,
    maxFutureMs: 300_000,
    now: () => new Date('2026-11-01T00:00:00Z'),
  });
  const useCase = new IngestFilingsUseCase(validator, store, publisher, { events: 'events', deadLetters: 'dlq' });
  return { store, publisher, useCase };
}

describe('IngestFilingsUseCase', () => {
  it('accepts new filings, counts repeats as duplicates and dead-letters conflicts and bad input', async () => {
    const { publisher, store, useCase } = setup();
    const first = await useCase.execute({
      filings: [filing(applied('a')), filing(applied('a')), filing(applied('b'))],
    });
    expect(first).toMatchObject({ accepted: 2, duplicates: 1, rejected: 0 });

    const second = await useCase.execute({
      filings: [filing(applied('a')), filing(applied('b', 'P-other')), filing({ ...applied('c'), port: 'ZZZZZ' }, 9)],
    });
    expect(second.outcomes.map((o) => o.status)).toEqual(['duplicate', 'rejected', 'rejected']);
    expect(second.outcomes[1]).toMatchObject({ reason: 'conflict' });
    expect(second.outcomes[2]).toMatchObject({ reason: 'unknown_port' });

    expect(publisher.sent.events).toHaveLength(2);
    expect(JSON.parse(publisher.sent.events![0]!.value as string)).toMatchObject({
      id: 'a',
      time: '2026-10-05T01:00:00.000Z',
    });
    // Each accepted event is stored once, as it was published: the first of a key listed twice.
    expect([...store.documents.keys()]).toEqual(['urn:q a', 'urn:q b']);
    expect(JSON.stringify(store.documents.get('urn:q a'))).toBe(publisher.sent.events![0]!.value);
    expect(JSON.stringify(store.documents.get('urn:q b'))).toBe(publisher.sent.events![1]!.value);
    const dead = publisher.sent.dlq!;
    expect(dead).toHaveLength(2);
    // Original bytes and headers travel untouched, with the reason added.
    expect(dead[1]!.value).toEqual(Buffer.from(JSON.stringify({ ...applied('c'), port: 'ZZZZZ' })));
    expect(dead[1]!.headers).toMatchObject({
      'x-reject-reason': 'unknown_port',
      'x-origin': 'test/0/9',
      'x-trace': Buffer.from([0xff, 0x00]),
    });
    expect(String(dead[1]!.headers!['x-reject-detail'])).toContain('port: ZZZZZ');
    expect(Object.fromEntries(store.totals)).toEqual({
      'accepted|': 2,
      'duplicate|': 2,
      'rejected|conflict': 1,
      'rejected|unknown_port': 1,
    });
  });

  it('treats the same event in binary mode as a duplicate of its structured form', async () => {
    const { useCase } = setup();
    await useCase.execute({ filings: [filing(applied('a'))] });
    const event = applied('a');
    const binary: IncomingFiling = {
      value: Buffer.from(JSON.stringify(event.data)),
      headers: {
        'content-type': 'application/json',
        ce_specversion: '1.0',
        ce_id: 'a',
        ce_source: 'urn:q',
        ce_type: event.type,
        ce_time: '2026-10-05T01:00:00Z',
        ce_port: 'CNSHA',
      },
      rawHeaders: {},
      key: 'CNSHA',
      origin: 'test/0/1',
    };
    expect((await useCase.execute({ filings: [binary] })).outcomes[0]!.status).toBe('duplicate');
  });

  it('skips messages of a redelivered batch whose results were recorded, so nothing is counted twice', async () => {
    const { store, publisher, useCase } = setup();
    const partition = { groupId: 'g', topic: 'sw.filings.v1', partition: 0 };
    await useCase.execute({ filings: [filing(applied('a'), 10), filing(applied('b'), 11)], partition });
    expect(store.positions.get('g|sw.filings.v1|0')).toBe('12');
    // The same messages again (offsets not committed before a crash), plus one new.
    const again = await useCase.execute({
      filings: [filing(applied('a'), 10), filing(applied('b'), 11), filing(applied('c'), 12)],
      partition,
    });
    expect(again).toMatchObject({ accepted: 1, duplicates: 0, alreadyProcessed: 2 });
    expect(store.totals.get('accepted|')).toBe(3);
    expect(publisher.sent.events).toHaveLength(3);
  });

  it('counts nothing again when another member recorded the batch while this one waited (a rebalance)', async () => {
    const { store, publisher, useCase } = setup();
    const partition = { groupId: 'g', topic: 'sw.filings.v1', partition: 0 };
    const batch = { filings: [filing(applied('a'), 10), filing(applied('b'), 11)], partition };
    // Both read the position before either records: the second finds the batch recorded under the lock.
    const [first, second] = await Promise.all([useCase.execute(batch), useCase.execute(batch)]);
    expect(first).toMatchObject({ accepted: 2, duplicates: 0, alreadyProcessed: 0 });
    expect(second).toMatchObject({ accepted: 0, duplicates: 0, rejected: 0, alreadyProcessed: 2 });
    expect(Object.fromEntries(store.totals)).toEqual({ 'accepted|': 2 });
    expect(publisher.sent.events).toHaveLength(2);
    expect(store.positions.get('g|sw.filings.v1|0')).toBe('12');

    // The same for a batch dead-lettered whole after its retries.
    const failing = { filings: [filing(applied('c'), 12)], partition };
    const counts = await Promise.all([
      useCase.deadLetterAll(failing, 'gave up'),
      useCase.deadLetterAll(failing, 'gave up'),
    ]);
    expect(counts).toEqual([1, 0]);
    expect(publisher.sent.dlq).toHaveLength(1);
    expect(store.totals.get('rejected|retries_exhausted')).toBe(1);
  });

  it('stores no event, count or position when publishing fails, so the retry forwards the batch', async () => {
    const { store, publisher, useCase } = setup();
    const partition = { groupId: 'g', topic: 'sw.filings.v1', partition: 0 };
    const batch = { filings: [filing(applied('a'), 5), filing(applied('a'), 6)], partition };
    const publish = publisher.publish.bind(publisher);
    publisher.publish = async () => {
      throw new Error('broker unavailable');
    };
    await expect(useCase.execute(batch)).rejects.toThrow('broker unavailable');
    expect(store.stored.size).toBe(0);
    expect(store.totals.size).toBe(0);
    expect(store.positions.size).toBe(0);

    publisher.publish = publish;
    const retried = await useCase.execute(batch);
    expect(retried).toMatchObject({ accepted: 1, duplicates: 1, alreadyProcessed: 0 });
    expect(Object.fromEntries(store.totals)).toEqual({ 'accepted|': 1, 'duplicate|': 1 });
    expect(store.positions.get('g|sw.filings.v1|0')).toBe('7');
  });

  it('refuses filings for another port than the caller may publish for', async () => {
    const { publisher, useCase } = setup();
    const result = await useCase.execute({
      filings: [filing(applied('a')), filing(applied('n', 'P9', 'CNNGB'))],
      onlyPort: 'CNSHA',
    });
    expect(result.outcomes.map((o) => o.status)).toEqual(['accepted', 'rejected']);
    expect(result.outcomes[1]).toMatchObject({
      reason: 'forbidden_port',
      detail: 'port: this credential may publish for CNSHA only, not CNNGB',
    });
    expect(publisher.sent.dlq).toHaveLength(1);
  });

  it('dead-letters a whole batch with retries_exhausted and the last error', async () => {
    const { publisher, useCase } = setup();
    await useCase.deadLetterAll(
      { filings: [filing(applied('a'), 1), filing(applied('b'), 2)] },
      'failed 5 times; last error: connection refused',
    );
    expect(publisher.sent.dlq!.map((m) => m.headers!['x-reject-reason'])).toEqual([
      'retries_exhausted',
      'retries_exhausted',
    ]);
    expect(publisher.sent.dlq![0]!.headers!['x-reject-detail']).toBe('failed 5 times; last error: connection refused');
  });
});
