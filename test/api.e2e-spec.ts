import { DataSource } from 'typeorm';

import { authorized, type RunningStack, startStack, waitUntil, waitUntilDigested } from './support/stack';

/**
 * Every API endpoint over a running stack with simulated data: the answer for a permitted key,
 * 401 without a key, 403 for another port's data, bounded pages and ranges, CSV, SSE resume and
 * rate limits.
 */
describe('query API end to end (real Kafka and PostgreSQL)', () => {
  let stack: RunningStack;
  let database: DataSource;
  let agency: string;
  let shanghai: string;

  beforeAll(async () => {
    stack = await startStack('api', 3922, { API_RATE_LIMIT_PER_MINUTE: '3000' });
    database = await new DataSource({ type: 'postgres', url: stack.databaseUrl }).initialize();
    agency = stack.createKey('agency');
    shanghai = stack.createKey('port:CNSHA');
    const output = stack.cli([
      'simulate',
      '--ports',
      '4',
      '--days',
      '20',
      '--seed',
      '21',
      '--end',
      '2026-11-20',
      '--quiet',
    ]);
    const published = Number(/published (\d+) simulated filings/.exec(output)![1]);
    // A few refused filings for the dead-letter endpoint.
    stack.cli([
      'publish',
      '--quiet',
      'test/fixtures/invalid/json/unknown-port.json',
      'test/fixtures/invalid/json/sw.fee.charged.v1.json',
    ]);
    // A permit decided 1.5 h before it was applied for: a data-quality finding.
    stack.cli(['publish', '--quiet', 'test/fixtures/valid/negative-duration-cnsha.ndjson']);
    await waitUntilDigested(stack, database, published + 4);
    await waitUntil(
      'dead letters are recorded',
      30_000,
      async () => Number((await database.query('SELECT count(*) AS n FROM dead_letter'))[0].n) === 2,
    );
  });

  afterAll(async () => {
    await database?.destroy();
    await stack?.stop();
  });

  const get = (path: string, key?: string, headers: Record<string, string> = {}) =>
    fetch(`${stack.api}${path}`, { headers: key ? authorized(key, headers) : headers });

  const portPaths = [
    '/v1/ports/CNSHA/scorecard?grain=month&date=2026-11-10',
    '/v1/ports/CNSHA/kpis/m1.instant_share/series?grain=day&from=2026-11-01&to=2026-11-20',
    '/v1/ports/CNSHA/kpis/m1.instant_share/cases?grain=week&date=2026-11-10',
    '/v1/ports/CNSHA/fee-violations?from=2026-11-01&to=2026-11-20',
    '/v1/ports/CNSHA/data-quality?from=2026-11-01&to=2026-11-20',
  ];

  it.each([
    ...portPaths,
    '/v1/catalogue',
    '/v1/ports',
    '/v1/rankings?date=2026-11-10',
    '/v1/dead-letters',
    '/v1/stream',
  ])('answers 401 without a key: %s', async (path) => {
    const response = await get(path);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toBe('unauthorized');
  });

  it.each(portPaths.map((p) => p.replace('CNSHA', 'CNNGB')))(
    "answers 403 to a port key for another port's data: %s",
    async (path) => {
      const response = await get(path, shanghai);
      expect(response.status).toBe(403);
    },
  );

  it('keeps a port key to its own port in lists, rankings, dead letters and the stream', async () => {
    expect(((await (await get('/v1/ports', shanghai)).json()) as Array<{ id: string }>).map((p) => p.id)).toEqual([
      'CNSHA',
    ]);
    expect((await get('/v1/rankings?date=2026-11-10', shanghai)).status).toBe(403);
    expect((await get('/v1/dead-letters?port=CNNGB', shanghai)).status).toBe(403);
    expect((await get('/v1/stream?ports=CNNGB', shanghai)).status).toBe(403);
    for (const path of portPaths)
      expect({ path, status: (await get(path, shanghai)).status }).toEqual({ path, status: 200 });
  });

  it('serves a KPI series whose points equal the stored indicators, as JSON and CSV', async () => {
    const body = (await (
      await get('/v1/ports/CNSHA/kpis/m1.instant_share/series?grain=day&from=2026-11-01&to=2026-11-20', agency)
    ).json()) as {
      points: Array<{ windowStart: string; value: number; samples: number }>;
    };
    const rows: Array<{ window_start_text: string; value: number; samples: number }> = await database.query(
      `SELECT window_start_text, value, samples FROM indicator WHERE port = 'CNSHA' AND kpi = 'm1.instant_share' AND grain = 'day'
        AND window_start >= '2026-10-31T16:00:00Z' AND window_start < '2026-11-19T16:00:00Z' ORDER BY window_start`,
    );
    expect(body.points.map((p) => [p.windowStart, p.value, p.samples])).toEqual(
      rows.map((r) => [r.window_start_text, r.value, r.samples]),
    );
    expect(body.points.length).toBeGreaterThan(10);
    const csv = await get(
      '/v1/ports/CNSHA/kpis/m1.instant_share/series?grain=day&from=2026-11-01&to=2026-11-20&format=csv',
      agency,
    );
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe('windowStart,windowEnd,value,samples,target,attainment,scored,catalogueVersion');
    expect(lines).toHaveLength(body.points.length + 1);
    expect(
      (await get('/v1/ports/CNSHA/kpis/m1.instant_share/series?grain=day&from=2024-01-01&to=2026-11-20', agency))
        .status,
    ).toBe(400);
    expect((await get('/v1/ports/CNSHA/kpis/m99.nothing/series', agency)).status).toBe(404);
  });

  it("reads from and to as the port's local days, to exclusive", async () => {
    const months = async (from: string, to: string) =>
      (
        (await (
          await get(`/v1/ports/CNSHA/kpis/m1.instant_share/series?grain=month&from=${from}&to=${to}`, agency)
        ).json()) as { points: Array<{ windowStart: string }> }
      ).points.map((p) => p.windowStart);
    // November in Shanghai starts at 2026-10-31T16:00Z, before UTC midnight of 1 November.
    const october = await months('2026-10-01', '2026-11-01');
    expect(october).not.toContain('2026-11-01T00:00:00+08:00');
    expect(await months('2026-10-01', '2026-11-02')).toEqual([...october, '2026-11-01T00:00:00+08:00']);
    expect(await months('2026-11-15', '2026-12-01')).toEqual(['2026-11-01T00:00:00+08:00']);
  });

  it('serves the heat-map matrix equal to each scorecard, scoped to the key', async () => {
    const matrix = (await (await get('/v1/scores?grain=month&date=2026-11-10', agency)).json()) as {
      ports: Array<{ port: string; index: number | null; measures: Array<{ measure: number; score: number | null }> }>;
    };
    expect(matrix.ports).toHaveLength(50);
    const card = (await (await get('/v1/ports/CNSHA/scorecard?grain=month&date=2026-11-10', agency)).json()) as Card;
    const row = matrix.ports.find((p) => p.port === 'CNSHA')!;
    expect(row.index).toBe(card.index);
    expect(row.measures.map((m) => m.score)).toEqual(card.measures.map((m) => m.score));
    const own = (await (await get('/v1/scores?grain=month&date=2026-11-10', shanghai)).json()) as {
      ports: Array<{ port: string }>;
    };
    expect(own.ports.map((p) => p.port)).toEqual(['CNSHA']);
    expect((await get('/v1/scores')).status).toBe(401);
  });

  it('ranks ports by index and by measure, with CSV', async () => {
    const ranking = (await (await get('/v1/rankings?grain=month&date=2026-11-10', agency)).json()) as {
      ports: Array<{ port: string; rank: number | null; score: number | null }>;
    };
    expect(ranking.ports).toHaveLength(50);
    const scored = ranking.ports.filter((p) => p.score !== null);
    expect(scored).toHaveLength(4);
    expect(scored.map((p) => p.rank)).toEqual([1, 2, 3, 4]);
    expect([...scored].sort((a, b) => b.score! - a.score!)).toEqual(scored);
    const card = (await (
      await get(`/v1/ports/${scored[0]!.port}/scorecard?grain=month&date=2026-11-10`, agency)
    ).json()) as { index: number };
    expect(card.index).toBeCloseTo(scored[0]!.score!, 12);
    const m1 = (await (await get('/v1/rankings?grain=month&date=2026-11-10&measure=1', agency)).json()) as {
      measure: number;
    };
    expect(m1.measure).toBe(1);
    expect((await get('/v1/rankings?measure=30', agency)).status).toBe(400);
    expect((await (await get('/v1/rankings?date=2026-11-10&format=csv', agency)).text()).split('\n')[0]).toBe(
      'rank,port,nameEn,nameZh,score,coverage,windowStart,windowEnd',
    );
  });

  it('drills down from a KPI value to its cases and their events, paged', async () => {
    const card = (await (await get('/v1/ports/CNSHA/scorecard?grain=week&date=2026-11-10', agency)).json()) as {
      measures: Array<{ kpis: Array<{ kpi: string; samples: number }> }>;
    };
    const samples = card.measures[0]!.kpis[0]!.samples;
    const page = (await (
      await get('/v1/ports/CNSHA/kpis/m1.instant_share/cases?grain=week&date=2026-11-10&limit=5', agency)
    ).json()) as {
      total: number;
      cases: Array<{ caseId: string; milestones: Record<string, { at: string; source: string; id: string }> }>;
    };
    expect(page.total).toBeGreaterThanOrEqual(samples);
    expect(page.cases).toHaveLength(5);
    const decided = page.cases[0]!.milestones.decided!;
    const stored: Array<{ type: string }> = await database.query(
      'SELECT type FROM event WHERE source = $1 AND id = $2',
      [decided.source, decided.id],
    );
    expect(stored[0]!.type).toBe('sw.permit.decided.v1');
    expect((await get('/v1/ports/CNSHA/kpis/m1.instant_share/cases?date=2026-11-10&limit=501', agency)).status).toBe(
      400,
    );
  });

  it('lists fee violations that the compliance KPI counts', async () => {
    const body = (await (
      await get('/v1/ports/CNSHA/fee-violations?from=2026-11-01&to=2026-11-20&limit=1000', agency)
    ).json()) as {
      total: number;
      violations: Array<{ finding: string; amount: number; allowed: number | null }>;
    };
    expect(body.total).toBeGreaterThan(0);
    for (const v of body.violations) {
      expect(['no_catalogue', 'not_in_catalogue', 'above_catalogue']).toContain(v.finding);
      if (v.finding === 'above_catalogue') expect(v.amount).toBeGreaterThan(v.allowed!);
    }
    expect((await get('/v1/ports/CNSHA/fee-violations?from=2026-01-01&to=2026-11-20', agency)).status).toBe(400);
  });

  it('lists cases with a negative duration as data-quality findings, with the events behind them', async () => {
    const body = (await (await get('/v1/ports/CNSHA/data-quality?from=2026-11-01&to=2026-11-20', shanghai)).json()) as {
      total: number;
      byKpi: Record<string, number>;
      findings: Array<Record<string, unknown>>;
    };
    const finding = body.findings.find((f) => f.caseId === 'CNSHA-PNEG');
    expect(finding).toEqual({
      kind: 'negative_duration',
      caseType: 'permit',
      caseId: 'CNSHA-PNEG',
      from: 'applied',
      to: 'decided',
      fromAt: '2026-11-12T02:00:00.000Z',
      toAt: '2026-11-12T00:30:00.000Z',
      hours: -1.5,
      kpis: ['m1.instant_share', 'm1.p90_hours'],
      fromEvent: 'urn:portscore:sample:quarantine CNSHA-PNEG-applied',
      toEvent: 'urn:portscore:sample:quarantine CNSHA-PNEG-decided',
    });
    expect(body.byKpi['m1.p90_hours']).toBe(body.findings.filter((f) => f.caseType === 'permit').length);
    // The day before the decision holds no finding of it; the range is checked as for fee violations.
    const before = (await (
      await get('/v1/ports/CNSHA/data-quality?from=2026-11-01&to=2026-11-12', shanghai)
    ).json()) as { findings: Array<{ caseId: string }> };
    expect(before.findings.map((f) => f.caseId)).not.toContain('CNSHA-PNEG');
    expect((await get('/v1/ports/CNSHA/data-quality?from=2026-01-01&to=2026-11-20', agency)).status).toBe(400);
  });

  it('browses dead letters by reason', async () => {
    const all = (await (await get('/v1/dead-letters', agency)).json()) as Array<{ reason: string; detail: string }>;
    expect(all.map((d) => d.reason).sort()).toEqual(['unknown_port', 'validation_failed']);
    const byReason = (await (await get('/v1/dead-letters?reason=unknown_port', agency)).json()) as Array<{
      detail: string;
      preview: string;
    }>;
    expect(byReason).toHaveLength(1);
    expect(byReason[0]!.detail).toContain('port: XXABC');
    expect(byReason[0]!.preview).toContain('"port": "XXABC"');
  });

  it('streams score updates over SSE, filtered, and resumes after Last-Event-ID', async () => {
    const controller = new AbortController();
    const response = await fetch(`${stack.api}/v1/stream?ports=CNSHA`, {
      headers: authorized(agency),
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    const events: Array<{ id: string; event: string; data: { port: string } }> = [];
    const reading = (async () => {
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += new TextDecoder().decode(value);
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const fields = Object.fromEntries(
            buffer
              .slice(0, end)
              .split('\n')
              .filter((l) => /^(id|event|data):/.test(l))
              .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]),
          );
          buffer = buffer.slice(end + 2);
          if (fields.data)
            events.push({ id: fields.id!, event: fields.event!, data: JSON.parse(fields.data) as { port: string } });
        }
      }
    })().catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    stack.cli(['simulate', '--ports', '2', '--days', '1', '--seed', '22', '--end', '2026-11-21', '--quiet']);
    await waitUntil('score updates for CNSHA arrive', 60_000, () => events.some((e) => e.event === 'score'));
    expect(events.every((e) => e.data.port === 'CNSHA')).toBe(true);
    controller.abort();
    await reading;

    const first = events[0]!;
    const resumed = await fetch(`${stack.api}/v1/stream?ports=CNSHA`, {
      headers: authorized(agency, { 'last-event-id': first.id }),
    });
    const text = await readFor(resumed, 1500);
    const replayed = [...text.matchAll(/^id: (.+)$/gm)].map((m) => m[1]);
    expect(replayed[0]).toBe(events[1]?.id);
    expect(replayed).not.toContain(first.id);
  });

  it('limits the request rate per key', async () => {
    const key = stack.createKey('agency');
    const responses = await Promise.all(Array.from({ length: 400 }, () => get('/v1/catalogue', key)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(300);
    const limited = responses.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited[0]!.json()) as { error: string }).error).toBe('rate_limited');
  });

  it('serves the OpenAPI document without a key', async () => {
    const document = (await (await fetch(`${stack.api}/docs/openapi.json`)).json()) as {
      security?: unknown[];
      paths: Record<string, { get?: { security?: unknown[] } }>;
    };
    // Probes and scrapers have no key: nothing global, and no requirement on their operations.
    expect(document.security).toBeUndefined();
    for (const path of ['/health', '/ready', '/metrics']) expect(document.paths[path]!.get!.security).toBeUndefined();
    expect(document.paths['/v1/catalogue']!.get!.security).toEqual([{ 'api-key': [] }, { bearer: [] }]);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/ports/{port}/scorecard',
        '/v1/ports/{port}/kpis/{kpi}/series',
        '/v1/rankings',
        '/v1/ports/{port}/kpis/{kpi}/cases',
        '/v1/ports/{port}/fee-violations',
        '/v1/ports/{port}/data-quality',
        '/v1/dead-letters',
        '/v1/stream',
        '/v1/filings',
      ]),
    );
  });
});

interface Card {
  index: number | null;
  measures: Array<{ measure: number; score: number | null }>;
}

async function readFor(response: Response, ms: number): Promise<string> {
  const reader = response.body!.getReader();
  let text = '';
  const timer = setTimeout(() => void reader.cancel(), ms);
  for (;;) {
    const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  clearTimeout(timer);
  return text;
}
