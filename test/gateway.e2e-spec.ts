import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { CanonicalEvent } from '@portscore/contracts';
import { KafkaBus, type OutgoingMessage } from '@portscore/messaging';
import { PgIngestStore } from '@portscore/persistence';
import { DataSource } from 'typeorm';

import { ROOT } from './setup/e2e-environment';
import { authorized, type RunningStack, startStack, waitUntil } from './support/stack';
import { TopicReader } from './support/topic-reader';

const fixtures = join(ROOT, 'test/fixtures');

interface InvalidCase {
  file: string;
  headers: Record<string, string>;
  reason: string;
  detail: string;
}

function fixtureMessage(path: string, headers: Record<string, string>, tag: string): OutgoingMessage {
  return { key: headers.ce_port ?? 'CNSHA', value: readFileSync(path), headers: { ...headers, 'x-fixture': tag } };
}

function sidecarHeaders(xml: string): Record<string, string> {
  return JSON.parse(readFileSync(xml.replace(/\.xml$/, '.headers.json'), 'utf8')) as Record<string, string>;
}

/** The gateway over the real broker: every reject reason, both adapters, HTTP ingest. */
describe('ingest gateway end to end (real Kafka and PostgreSQL)', () => {
  let stack: RunningStack;
  let bus: KafkaBus;
  let events: TopicReader;
  let deadLetters: TopicReader;
  const structured = { 'content-type': 'application/cloudevents+json' };

  beforeAll(async () => {
    stack = await startStack('gateway', 3918);
    bus = new KafkaBus({ brokers: stack.brokers.split(','), clientId: 'portscore-test-gateway' });
    events = await TopicReader.open(stack.brokers, stack.topics.events);
    deadLetters = await TopicReader.open(stack.brokers, stack.topics.deadLetters);
  });

  afterAll(async () => {
    await Promise.allSettled([events?.close(), deadLetters?.close(), bus?.disconnect()]);
    await stack?.stop();
  });

  const eventOf = (id: string) =>
    events.messages
      .map((m) => JSON.parse(m.value.toString('utf8')) as { id: string; type: string; data: Record<string, unknown> })
      .find((e) => e.id === id);

  it('accepts every valid fixture, JSON and XML renderings, ePhyto certificates and DCSA notifications', async () => {
    const messages: OutgoingMessage[] = [
      ...readdirSync(join(fixtures, 'valid/json')).map((f) =>
        fixtureMessage(join(fixtures, 'valid/json', f), structured, f),
      ),
      ...readdirSync(join(fixtures, 'valid/xml'))
        .filter((f) => f.endsWith('.xml'))
        .map((f) => fixtureMessage(join(fixtures, 'valid/xml', f), sidecarHeaders(join(fixtures, 'valid/xml', f)), f)),
      ...readdirSync(join(fixtures, 'valid/ephyto'))
        .filter((f) => f.endsWith('.xml'))
        .map((f) =>
          fixtureMessage(join(fixtures, 'valid/ephyto', f), sidecarHeaders(join(fixtures, 'valid/ephyto', f)), f),
        ),
      ...readdirSync(join(fixtures, 'valid/dcsa')).map((f) =>
        fixtureMessage(join(fixtures, 'valid/dcsa', f), structured, f),
      ),
    ];
    expect(messages).toHaveLength(22 + 19 + 2 + 4);
    await bus.publish(stack.topics.filings, messages);
    await waitUntil('47 canonical events', 60_000, () => events.messages.length === 47);
    expect(deadLetters.messages).toHaveLength(0);

    expect(eventOf('AU-PC-2026-0048211')).toMatchObject({
      type: 'sw.certificate.issued.v1',
      data: {
        certificateId: 'AU-PC-2026-0048211',
        kind: 'sps',
        direction: 'import',
        partnerCountry: 'AU',
        electronic: true,
      },
    });
    expect(eventOf('CN-NGB-PC-2026-771')).toMatchObject({ data: { direction: 'export', partnerCountry: 'NZ' } });
    expect(eventOf('3cecb101-7a1a-43a4-9d62-e88a131651e2')).toMatchObject({
      type: 'sw.transport_document.v1',
      data: { transportDocumentReference: 'HHL71800001', status: 'ISSUED', isElectronic: false, issuerRole: 'carrier' },
    });
    expect(eventOf('c4d7e2a0-5b1f-4b8e-8f3a-1c2d3e4f5a6b')).toMatchObject({ data: { status: 'SURRENDERED' } });
    expect(eventOf('fx-xml-sw.fee.charged.v1')!.data).toEqual(eventOf('fx-sw.fee.charged.v1')!.data);
    // Canonical events are keyed by port.
    expect(events.messages.every((m) => m.key === 'CNSHA' || m.key === 'CNNGB')).toBe(true);
  });

  it('dead-letters every invalid fixture, oversize and conflicting filings with original bytes, headers and reason', async () => {
    const manifest = JSON.parse(readFileSync(join(fixtures, 'invalid/manifest.json'), 'utf8')) as InvalidCase[];
    const oversize = Buffer.from(
      JSON.stringify({
        ...JSON.parse(readFileSync(join(fixtures, 'valid/json/sw.permit.applied.v1.json'), 'utf8')),
        id: 'big',
        subject: 'x'.repeat(1_100_000),
      }),
    );
    const conflicting = JSON.parse(readFileSync(join(fixtures, 'valid/json/sw.permit.applied.v1.json'), 'utf8')) as {
      data: Record<string, unknown>;
    };
    conflicting.data.channel = 'paper';
    const messages: OutgoingMessage[] = [
      ...manifest.map((c) => fixtureMessage(join(fixtures, 'invalid', c.file), c.headers, c.file)),
      { key: 'CNSHA', value: oversize, headers: { ...structured, 'x-fixture': 'oversize' } },
      { key: 'CNSHA', value: JSON.stringify(conflicting), headers: { ...structured, 'x-fixture': 'conflict' } },
      // The same filing again, unchanged: a duplicate, neither forwarded nor dead-lettered.
      fixtureMessage(join(fixtures, 'valid/json/sw.permit.decided.v1.json'), structured, 'duplicate'),
    ];
    await bus.publish(stack.topics.filings, messages);
    const expected = manifest.length + 2;
    await waitUntil(`${expected} dead letters`, 60_000, () => deadLetters.messages.length === expected);

    const byFixture = new Map(deadLetters.messages.map((m) => [m.headers['x-fixture'], m]));
    for (const testCase of manifest) {
      const letter = byFixture.get(testCase.file);
      expect({ file: testCase.file, reason: letter?.headers['x-reject-reason'] }).toEqual({
        file: testCase.file,
        reason: testCase.reason,
      });
      expect(letter!.headers['x-reject-detail']).toContain(testCase.detail);
      expect(letter!.value.equals(readFileSync(join(fixtures, 'invalid', testCase.file)))).toBe(true);
      for (const [name, value] of Object.entries(testCase.headers)) expect(letter!.headers[name]).toBe(value);
      expect(letter!.headers['x-origin']).toMatch(
        new RegExp(`^${stack.topics.filings.replaceAll('.', '\\.')}/\\d+/\\d+$`),
      );
    }
    expect(byFixture.get('oversize')!.headers['x-reject-reason']).toBe('oversize');
    expect(byFixture.get('oversize')!.value.length).toBe(oversize.length);
    expect(byFixture.get('conflict')!.headers['x-reject-reason']).toBe('conflict');
    expect(byFixture.get('conflict')!.headers['x-reject-detail']).toContain('fx-sw.permit.applied.v1');
    expect(byFixture.has('duplicate')).toBe(false);
    expect(events.messages).toHaveLength(47);

    const dlq = stack.cli(['dlq', 'list', '--limit', '0']);
    expect(dlq).toContain(`${expected} dead letters`);
    expect(dlq).toMatch(/\s+28\s+validation_failed/);
  });

  it('takes filings over HTTP: single, duplicate, rejected, batch and binary XML, each port only its own', async () => {
    const post = (key: string | undefined, body: string | Buffer, headers: Record<string, string>) =>
      fetch(`${stack.api}/v1/filings`, { method: 'POST', headers: key ? authorized(key, headers) : headers, body });
    const event = (id: string, port = 'CNSHA') =>
      JSON.stringify({
        specversion: '1.0',
        id,
        source: 'urn:http:test',
        type: 'sw.bonded.filing.v1',
        time: '2026-10-07T10:00:00+08:00',
        port,
        data: { filingId: id, source: 'erp' },
      });

    expect((await post(undefined, event('h1'), structured)).status).toBe(401);
    expect((await post('psk_000000000000_notakeynotakeynotakeynotakeynotakey', event('h1'), structured)).status).toBe(
      401,
    );
    expect((await post(stack.createKey('agency'), event('h1'), structured)).status).toBe(403);

    const shanghai = stack.createKey('port:CNSHA');
    const accepted = await post(shanghai, event('h1'), structured);
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toEqual({
      accepted: 1,
      duplicates: 0,
      rejected: 0,
      results: [{ status: 'accepted', source: 'urn:http:test', id: 'h1' }],
    });

    const duplicate = await post(shanghai, event('h1'), structured);
    expect(duplicate.status).toBe(200);
    expect(((await duplicate.json()) as { results: unknown[] }).results).toEqual([
      { status: 'duplicate', source: 'urn:http:test', id: 'h1' },
    ]);

    const foreign = await post(shanghai, event('h2', 'CNNGB'), structured);
    expect(foreign.status).toBe(422);
    expect(((await foreign.json()) as { results: Array<{ reason: string }> }).results[0]!.reason).toBe(
      'forbidden_port',
    );

    const batch = await post(shanghai, `[${event('h3')},${event('h4')},${event('h1')},{"specversion":"1.0"}]`, {
      'content-type': 'application/cloudevents-batch+json',
    });
    expect(batch.status).toBe(200);
    const batchBody = (await batch.json()) as {
      accepted: number;
      duplicates: number;
      rejected: number;
      results: Array<{ status: string; reason?: string }>;
    };
    expect(batchBody).toMatchObject({ accepted: 2, duplicates: 1, rejected: 1 });
    expect(batchBody.results.map((r) => r.reason ?? r.status)).toEqual([
      'accepted',
      'accepted',
      'duplicate',
      'invalid_envelope',
    ]);

    const xml = readFileSync(join(fixtures, 'valid/xml/sw.lab.test.v1.xml'));
    const binary = await post(shanghai, xml, {
      'content-type': 'application/xml',
      'ce-specversion': '1.0',
      'ce-id': 'h-xml-1',
      'ce-source': 'urn:http:test',
      'ce-type': 'sw.lab.test.v1',
      'ce-time': '2026-10-07T11:00:00+08:00',
      'ce-port': 'CNSHA',
    });
    expect(binary.status).toBe(202);
    await waitUntil(
      'the HTTP events reach the canonical topic',
      30_000,
      () => eventOf('h-xml-1') !== undefined && eventOf('h4') !== undefined,
    );
    expect(eventOf('h-xml-1')!.data).toEqual({
      sampleId: 'S-5501',
      stage: 'result',
      lab: 'third_party',
      adopted: true,
    });

    const badBatch = await post(shanghai, '[{"specversion"', { 'content-type': 'application/cloudevents-batch+json' });
    expect(badBatch.status).toBe(400);
    expect(((await badBatch.json()) as { error: string }).error).toBe('invalid_body');
  });

  it('re-drives dead letters of a reason to the filings topic, bytes and headers as received', async () => {
    const before = deadLetters.messages.filter((m) => m.headers['x-reject-reason'] === 'unknown_port').length;
    expect(before).toBe(1);
    const output = stack.cli(['dlq', 'redrive', '--reason', 'unknown_port']);
    expect(output).toContain('re-drove 1 dead letters with reason unknown_port');
    // Still unknown: refused again, with the same original bytes.
    await waitUntil(
      'the re-driven filing is dead-lettered again',
      30_000,
      () => deadLetters.messages.filter((m) => m.headers['x-reject-reason'] === 'unknown_port').length === 2,
    );
    const [first, second] = deadLetters.messages.filter((m) => m.headers['x-reject-reason'] === 'unknown_port');
    expect(second!.value.equals(first!.value)).toBe(true);
    expect(second!.headers['x-redriven-from']).toBe(`${stack.topics.deadLetters}/${first!.partition}/${first!.offset}`);
  });
  it("holds a partition's position for one transaction at a time, so a second member sees what the first recorded", async () => {
    const database = await new DataSource({ type: 'postgres', url: stack.databaseUrl }).initialize();
    const store = new PgIngestStore(database);
    const partition = { groupId: 'holding', topic: 'sw.filings.v1.holding', partition: 3 };
    try {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let held!: () => void;
      const firstHeld = new Promise<void>((resolve) => (held = resolve));
      const first = store.transaction(async (unit) => {
        const before = await unit.holdPosition(partition);
        held();
        await released;
        await unit.record({ counts: [], position: { ...partition, nextOffset: '40' } });
        return before;
      });
      await firstHeld;
      let secondDone = false;
      const second = store.transaction((unit) => unit.holdPosition(partition)).finally(() => (secondDone = true));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(secondDone).toBe(false);
      release();
      expect(await first).toBeUndefined();
      expect(await second).toBe('40');
      // Another partition is not held by it.
      expect(await store.transaction((unit) => unit.holdPosition({ ...partition, partition: 4 }))).toBeUndefined();
    } finally {
      await database.destroy();
    }
  });

  it('stores accepted events inside the batch transaction: a concurrent claim of a key waits for its outcome', async () => {
    const database = await new DataSource({ type: 'postgres', url: stack.databaseUrl }).initialize();
    const store = new PgIngestStore(database);
    const receipt = (id: string, digest: string) => {
      const event: CanonicalEvent = {
        specversion: '1.0',
        id,
        source: 'urn:claims',
        type: 'sw.bonded.filing.v1',
        time: '2026-10-05T01:00:00.000Z',
        port: 'CNSHA',
        datacontenttype: 'application/json',
        data: { filingId: `F-${id}`, source: digest === 'd1' ? 'erp' : 'manual' },
      };
      return { event, digest };
    };
    try {
      // Rolled back (say, publishing failed): the key stays free. Of a key listed twice, the first counts.
      await expect(
        store.transaction(async (unit) => {
          expect(await unit.claim([receipt('k1', 'd1'), receipt('k1', 'd9')])).toEqual(new Map());
          throw new Error('publishing failed');
        }),
      ).rejects.toThrow('publishing failed');

      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let claimed!: () => void;
      const firstClaimed = new Promise<void>((resolve) => (claimed = resolve));
      const first = store.transaction(async (unit) => {
        const known = await unit.claim([receipt('k1', 'd1'), receipt('k2', 'd2')]);
        claimed();
        await released;
        return known;
      });
      await firstClaimed;
      let secondDone = false;
      const second = store
        .transaction((unit) => unit.claim([receipt('k3', 'd3'), receipt('k2', 'other')]))
        .finally(() => (secondDone = true));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(secondDone).toBe(false);
      release();
      expect(await first).toEqual(new Map());
      // After the first commits, k2 is known with the first digest; k3 was new.
      expect(await second).toEqual(new Map([['urn:claims k2', 'd2']]));
      // Stored as the JSON of each first claim says: type, port, time, no subject, the data.
      const rows: Array<{ id: string; digest: string }> = await database.query(
        `SELECT id, digest, type, port, time, subject, data FROM event WHERE source = 'urn:claims' ORDER BY id`,
      );
      const stored = (id: string, digest: string, source: string) => ({
        id,
        digest,
        type: 'sw.bonded.filing.v1',
        port: 'CNSHA',
        time: new Date('2026-10-05T01:00:00.000Z'),
        subject: null,
        data: { filingId: `F-${id}`, source },
      });
      expect(rows).toEqual([stored('k1', 'd1', 'erp'), stored('k2', 'd2', 'manual'), stored('k3', 'd3', 'manual')]);
    } finally {
      await database.destroy();
    }
  });
});
