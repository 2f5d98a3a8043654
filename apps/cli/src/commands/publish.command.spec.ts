import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { loadConfig } from '@portscore/config';

import type { FileFiling } from '../filing-files';
import { publishCommand } from './publish.command';

/** What the API answers to one request, instead of ingesting it; `drop` ingests, then cuts the connection. */
type Override =
  | { status: number; headers?: Record<string, string>; body: unknown }
  | { drop: true }
  | ((events: number) => { status: number; headers?: Record<string, string>; body: unknown } | undefined);

interface Received {
  contentType: string;
  authorization: string;
  body: string;
  ceId?: string;
}

/**
 * A stand-in for POST /v1/filings with the API's answers: a batch (cloudevents-batch+json) gets
 * 200 and one result per event; a single filing 202 accepted, 200 duplicate or 422 rejected. It
 * deduplicates by (source, id) as the gateway does; port ZZNOP is not registered.
 */
class FakeApi {
  readonly received: Received[] = [];
  private readonly seen = new Set<string>();
  private readonly server: Server;
  url = '';

  constructor(private readonly overrides: Override[] = []) {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => this.answer(request, Buffer.concat(chunks).toString('utf8'), response));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(request: IncomingMessage, body: string, response: ServerResponse): void {
    const contentType = request.headers['content-type'] ?? '';
    this.received.push({
      contentType,
      authorization: request.headers.authorization ?? '',
      body,
      ...(typeof request.headers['ce-id'] === 'string' ? { ceId: request.headers['ce-id'] } : {}),
    });
    const batch = contentType === 'application/cloudevents-batch+json';
    const events = batch ? (JSON.parse(body) as unknown[]) : [body];
    const next = this.overrides.shift();
    const override = typeof next === 'function' ? next(events.length) : next;
    if (override && 'status' in override) {
      response.writeHead(override.status, { 'content-type': 'application/json', ...override.headers });
      response.end(JSON.stringify(override.body));
      return;
    }
    const results = events.map((event) => this.ingest(event));
    if (override && 'drop' in override) {
      response.socket?.destroy();
      return;
    }
    const count = (status: string) => results.filter((result) => result.status === status).length;
    const status = batch ? 200 : { accepted: 202, duplicate: 200, rejected: 422 }[results[0]!.status];
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        accepted: count('accepted'),
        duplicates: count('duplicate'),
        rejected: count('rejected'),
        results,
      }),
    );
  }

  private ingest(event: unknown): { status: 'accepted' | 'duplicate' | 'rejected'; reason?: string; detail?: string } {
    let parsed: { source: string; id: string; port: string };
    try {
      parsed = (typeof event === 'string' ? JSON.parse(event) : event) as typeof parsed;
    } catch {
      return { status: 'rejected', reason: 'invalid_json', detail: 'body is not JSON' };
    }
    if (parsed.port === 'ZZNOP')
      return { status: 'rejected', reason: 'unknown_port', detail: 'port ZZNOP is not registered' };
    const key = `${parsed.source}|${parsed.id}`;
    if (this.seen.has(key)) return { status: 'duplicate' };
    this.seen.add(key);
    return { status: 'accepted' };
  }
}

const event = (index: number, port = 'CNSHA') =>
  JSON.stringify({
    specversion: '1.0',
    id: `evt-${index}`,
    source: 'urn:portscore:test',
    type: 'sw.permit.applied.v1',
    time: '2026-10-05T09:00:00+08:00',
    port,
    data: { permitId: `P${index}`, kind: 'food', channel: 'electronic' },
  });

const filing = (text: string, where: string): FileFiling => ({
  where,
  value: Buffer.from(text),
  headers: { 'content-type': 'application/cloudevents+json' },
  key: null,
});

const filings = (count: number) => Array.from({ length: count }, (_, i) => filing(event(i), `f.ndjson:${i + 1}`));

describe('publish --http', () => {
  const config = loadConfig({});
  let api: FakeApi | undefined;
  let stdout: string;
  let stderr: string;

  beforeEach(() => {
    stdout = '';
    stderr = '';
    jest.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
      stdout += `${parts.join(' ')}\n`;
    });
    jest.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => {
      stderr += `${parts.join(' ')}\n`;
    });
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await api?.stop();
    api = undefined;
  });

  const publish = async (overrides: Override[], items: FileFiling[], progress = false) => {
    api = await new FakeApi(overrides).start();
    return publishCommand(config, items, { http: api.url, apiKey: 'psk_test', progress });
  };

  it('sends CloudEvents in batches of up to 1,000 and counts every answer', async () => {
    const status = await publish([], filings(2500));
    expect(status).toBe(0);
    expect(api!.received.map((r) => (JSON.parse(r.body) as unknown[]).length)).toEqual([1000, 1000, 500]);
    expect(new Set(api!.received.map((r) => r.contentType))).toEqual(new Set(['application/cloudevents-batch+json']));
    expect(api!.received[0]!.authorization).toBe('Bearer psk_test');
    expect(stdout).toBe(
      `2500 filings to ${api!.url}/v1/filings: 2500 accepted, 0 duplicate, 0 rejected, 0 not delivered\n`,
    );
  });

  it('waits as long as a 429 asks (Retry-After), then delivers every filing', async () => {
    const started = Date.now();
    const status = await publish(
      [{ status: 429, headers: { 'retry-after': '1' }, body: { error: 'rate_limited', detail: 'slow down' } }],
      filings(1500),
      true,
    );
    expect(status).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(api!.received).toHaveLength(3);
    expect(api!.received[1]!.body).toBe(api!.received[0]!.body);
    expect(stderr).toContain('HTTP 429 rate_limited: slow down; trying again in 1.0 s');
    expect(stdout).toContain(': 1500 accepted, 0 duplicate, 0 rejected, 0 not delivered\n');
  });

  it('tries again after a dropped connection and a 503; the repeat counts as duplicates, not twice', async () => {
    const status = await publish(
      [{ drop: true }, { status: 503, headers: { 'retry-after': '0' }, body: { error: 'unavailable' } }],
      filings(3),
    );
    expect(status).toBe(0);
    expect(api!.received).toHaveLength(3);
    expect(stdout).toContain(': 0 accepted, 3 duplicate, 0 rejected, 0 not delivered\n');
  });

  it('reports a 500 as filings not delivered, with the server error, and exits 75', async () => {
    const status = await publish(
      [{ status: 500, body: { error: 'internal', detail: 'internal error' } }],
      filings(1200),
    );
    expect(status).toBe(75);
    // Not tried again; the next batch still goes.
    expect(api!.received).toHaveLength(2);
    expect(stderr).toContain(
      'f.ndjson:1 … f.ndjson:1000 (1000 filings): not delivered: HTTP 500 internal: internal error',
    );
    expect(stdout).toContain(': 200 accepted, 0 duplicate, 0 rejected, 1000 not delivered (publish them again');
  });

  it('counts rejections (per filing in a batch, or 422 for one filing) as rejected, not as failures', async () => {
    const status = await publish(
      [],
      [
        filing(event(1), 'f.ndjson:1'),
        filing(event(2, 'ZZNOP'), 'f.ndjson:2'),
        filing('{"specversion": "1.0", "id": ', 'f.ndjson:3'),
        filing(event(4), 'f.ndjson:4'),
      ],
    );
    expect(status).toBe(1);
    // The line that is not JSON goes alone, so the API answers it as it would on its own.
    expect(api!.received.map((r) => r.contentType)).toEqual([
      'application/cloudevents-batch+json',
      'application/cloudevents+json',
      'application/cloudevents-batch+json',
    ]);
    expect(stderr).toContain('f.ndjson:2: unknown_port: port ZZNOP is not registered');
    expect(stderr).toContain('f.ndjson:3: invalid_json: body is not JSON');
    expect(stdout).toContain(': 2 accepted, 0 duplicate, 2 rejected, 0 not delivered\n');
  });

  it('sends a binary-mode filing alone with its ce- headers', async () => {
    const xml: FileFiling = {
      where: 'bl.xml',
      value: Buffer.from('<bl/>'),
      headers: { 'content-type': 'application/xml', ce_id: 'bl-1', ce_port: 'CNSHA' },
      key: 'CNSHA',
    };
    expect(await publish([], [xml])).toBe(1);
    expect(api!.received).toEqual([
      expect.objectContaining({ contentType: 'application/xml', ceId: 'bl-1', body: '<bl/>' }),
    ]);
  });

  it('gives up after a bounded number of tries and sends nothing more', async () => {
    const unavailable = {
      status: 503,
      headers: { 'retry-after': '0' },
      body: { error: 'unavailable', detail: 'try later' },
    };
    const status = await publish(
      Array.from({ length: 10 }, () => unavailable),
      filings(1500),
    );
    expect(status).toBe(75);
    expect(api!.received).toHaveLength(6);
    expect(stderr).toContain('not delivered: HTTP 503 unavailable: try later (gave up after 6 tries');
    expect(stderr).toContain('the other 500 filings were not sent');
    expect(stdout).toContain(': 0 accepted, 0 duplicate, 0 rejected, 1500 not delivered');
  });

  it('splits a batch the API finds too large (413)', async () => {
    const tooLarge = (events: number) =>
      events > 2
        ? { status: 413, body: { error: 'payload_too_large', detail: 'request entity too large' } }
        : undefined;
    const status = await publish([tooLarge, tooLarge, tooLarge], filings(4));
    expect(status).toBe(0);
    expect(api!.received.map((r) => (JSON.parse(r.body) as unknown[]).length)).toEqual([4, 2, 2]);
    expect(stdout).toContain(': 4 accepted, 0 duplicate, 0 rejected, 0 not delivered\n');
  });

  it('stops at a refused key: nothing more is sent and every filing counts as not delivered', async () => {
    const status = await publish(
      [{ status: 401, body: { error: 'unauthorized', detail: 'unknown API key' } }],
      filings(2100),
    );
    expect(status).toBe(75);
    expect(api!.received).toHaveLength(1);
    expect(stderr).toContain('not delivered: HTTP 401 unauthorized: unknown API key');
    expect(stdout).toContain(': 0 accepted, 0 duplicate, 0 rejected, 2100 not delivered');
  });
});
