import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { caseKey, type IndicatorMessage, type ScoreMessage, windowsAt } from '@portscore/catalogue';
import { KafkaBus } from '@portscore/messaging';
import { dataSourceOptions, PgScoringStore } from '@portscore/persistence';
import { DataSource } from 'typeorm';

import { ROOT } from './setup/e2e-environment';
import { close, type GoldenExpected, latestByKey } from './support/results';
import { authorized, type RunningStack, startStack, waitUntil, waitUntilDigested } from './support/stack';
import { TopicReader } from './support/topic-reader';

/**
 * The scoring engine over the real broker and database: the golden event set must give, on the
 * compacted topics, exactly what the independent reference computed; simulator traffic must
 * reach the indicators topic and the scorecard API.
 */
describe('scoring end to end (real Kafka and PostgreSQL)', () => {
  let stack: RunningStack;
  let bus: KafkaBus;
  let indicators: TopicReader;
  let database: DataSource;

  beforeAll(async () => {
    // The scorer looks for windows under way at ports with status reports every second.
    stack = await startStack('scoring', 3920, { OPEN_WINDOWS_EVERY_SECONDS: '1' });
    bus = new KafkaBus({ brokers: stack.brokers.split(','), clientId: 'portscore-test-scoring' });
    indicators = await TopicReader.open(stack.brokers, stack.topics.indicators);
    database = await new DataSource({ type: 'postgres', url: stack.databaseUrl }).initialize();
  });

  afterAll(async () => {
    await Promise.allSettled([indicators?.close(), bus?.disconnect(), database?.destroy()]);
    await stack?.stop();
  });

  const eventCount = async () => Number((await database.query('SELECT count(*) AS n FROM event'))[0].n);

  it('publishes, for the golden event set, the indicators and scores of the independent reference', async () => {
    const lines = readFileSync(join(ROOT, 'test/golden/events.ndjson'), 'utf8').trim().split('\n');
    const distinct = new Set(
      lines.map((line) => {
        const e = JSON.parse(line) as { source: string; id: string };
        return `${e.source} ${e.id}`;
      }),
    ).size;
    for (let start = 0; start < lines.length; start += 500) {
      await bus.publish(
        stack.topics.filings,
        lines.slice(start, start + 500).map((line) => ({
          key: (JSON.parse(line) as { port: string }).port,
          value: line,
          headers: { 'content-type': 'application/cloudevents+json' },
        })),
      );
    }
    await waitUntilDigested(stack, database, lines.length);
    // The gateway stored each distinct event once, as it accepted it.
    expect(await eventCount()).toBe(distinct);
    const expected = JSON.parse(readFileSync(join(ROOT, 'test/golden/expected.json'), 'utf8')) as GoldenExpected;
    const pending = async () => Number((await database.query('SELECT count(*) AS n FROM outbox'))[0].n);
    await waitUntil('the outbox is empty', 60_000, async () => (await pending()) === 0);
    // Read each topic to its end now that everything is published: the background readers may
    // still be behind on the newest updates.
    const latest = latestByKey<IndicatorMessage>(await bus.readToEnd(stack.topics.indicators));
    const mismatches = Object.entries(expected.indicators)
      .filter(([key, want]) => {
        const got = latest.get(key);
        return (
          !got ||
          got.samples !== want.samples ||
          got.scored !== want.scored ||
          !close(got.value, want.value) ||
          !close(got.attainment, want.attainment)
        );
      })
      .map(([key, want]) => `${key}: expected ${JSON.stringify(want)}, got ${JSON.stringify(latest.get(key))}`);
    expect(mismatches.slice(0, 5)).toEqual([]);

    const latestScores = latestByKey<ScoreMessage>(await bus.readToEnd(stack.topics.scores));
    const scoreMismatches = Object.entries(expected.scores)
      .filter(([key, want]) => !latestScores.has(key) || !close(latestScores.get(key)!.score, want))
      .map(([key, want]) => `${key}: expected ${want}, got ${latestScores.get(key)?.score}`);
    expect(scoreMismatches.slice(0, 5)).toEqual([]);
    const index = latestScores.get('CNAKA|index|month|2026-10-01T00:00:00+06:00')!;
    expect(index).toMatchObject({
      kind: 'port',
      port: 'CNAKA',
      grain: 'month',
      windowEnd: '2026-11-01T00:00:00+06:00',
      catalogueVersion: '2024.1',
    });
    expect(index.coverage).toBeGreaterThan(0.5);
  });

  it("measures the scorers' backlog on the events topic, which rounds of windows under way wait for", async () => {
    // Everything is scored (waitUntilDigested above): the scorers' group has nothing left to read.
    expect(await bus.groupLag(`${stack.env.KAFKA_CLIENT_ID}-scorer`, stack.topics.events)).toBe(0);
    // A group that has read nothing has the whole topic to read: every event the gateway accepted.
    const onTopic = (await bus.readToEnd(stack.topics.events)).length;
    expect(onTopic).toBe(await eventCount());
    expect(await bus.groupLag('portscore-test-scoring-unread', stack.topics.events)).toBe(onTopic);
  });

  it('publishes the status-based scores of the windows under way at a port with status reports, before any of their events', async () => {
    // The golden set ends in October 2026, so no event of it falls in today's day, week or month.
    // CNSHA's latest status reports (test/golden/events.ndjson): measure 11 partial (12 October),
    // 13 full (1 August), 16 none (20 September), 29 partial (30 October). By hand: 66.67, 100, 0
    // and 66.67; index (66.67 + 100 + 0 + 66.67) / 4 = 58.33; coverage 4/29. CNNKG, with no
    // status report, gets nothing.
    const expected = { m11: 200 / 3, m13: 100, m16: 0, m29: 200 / 3, index: 350 / 6 };
    let latest = new Map<string, ScoreMessage>();
    const underWay = (port: string) =>
      windowsAt(new Date(), 'Asia/Shanghai').map((w) => `${port}|index|${w.grain}|${w.startText}`);
    await waitUntil('the windows under way at CNSHA are on the scores topic', 30_000, async () => {
      latest = latestByKey<ScoreMessage>(await bus.readToEnd(stack.topics.scores));
      return underWay('CNSHA').every((key) => latest.has(key));
    });
    for (const window of windowsAt(new Date(), 'Asia/Shanghai')) {
      const key = (measure: string) => `CNSHA|${measure}|${window.grain}|${window.startText}`;
      for (const [measure, score] of Object.entries(expected))
        expect({ key: key(measure), score: latest.get(key(measure))?.score }).toEqual({
          key: key(measure),
          score: expect.closeTo(score, 9),
        });
      expect(latest.get(key('m1'))).toMatchObject({ kind: 'measure', score: null, windowEnd: window.endText });
      expect(latest.get(key('index'))).toMatchObject({ kind: 'port', coverage: expect.closeTo(4 / 29, 9) });
      // Stored as well, so the API reads the same numbers.
      const [row] = await database.query(
        `SELECT score, basis FROM score WHERE port = 'CNSHA' AND measure = 11 AND grain = $1 AND window_start = $2`,
        [window.grain, window.start],
      );
      expect(row).toEqual({ score: expect.closeTo(200 / 3, 9), basis: 'status' });
    }
    expect(underWay('CNNKG').filter((key) => latest.has(key))).toEqual([]);
  });

  it('publishes, once it finds the reports, the status-based scores of the days that ended in the last 7 days', async () => {
    // The scorer started before the golden set arrived; in its first round after that it caught
    // CNSHA up (OPEN_WINDOWS_LOOKBACK_DAYS, default 7). The last six whole days before today
    // ended within the look-back whenever that round ran; no event of the golden set falls in
    // them, and the same reports as above count: index 58.33, coverage 4/29.
    const day = 86_400_000;
    const endedDays = [1, 2, 3, 4, 5, 6].map(
      (back) => windowsAt(new Date(Date.now() - back * day), 'Asia/Shanghai')[0]!,
    );
    let latest = new Map<string, ScoreMessage>();
    const key = (port: string, measure: string, startText: string) => `${port}|${measure}|day|${startText}`;
    await waitUntil('the days that ended at CNSHA are on the scores topic', 30_000, async () => {
      latest = latestByKey<ScoreMessage>(await bus.readToEnd(stack.topics.scores));
      return endedDays.every((w) => latest.has(key('CNSHA', 'index', w.startText)));
    });
    for (const window of endedDays) {
      expect(latest.get(key('CNSHA', 'index', window.startText))).toMatchObject({
        kind: 'port',
        windowEnd: window.endText,
        score: expect.closeTo(350 / 6, 9),
        coverage: expect.closeTo(4 / 29, 9),
      });
      expect(latest.get(key('CNSHA', 'm16', window.startText))?.score).toBe(0);
    }
    // A port without status reports has nothing to catch up.
    expect(endedDays.filter((w) => latest.has(key('CNNKG', 'index', w.startText)))).toEqual([]);
  });

  it('publishes each value as it is stored', async () => {
    // The golden set is published and the outbox empty: the last record of each key is the stored value.
    const last = (records: Array<{ key: string | null; value: Buffer }>) =>
      new Map(records.map((record) => [record.key ?? '', JSON.parse(record.value.toString('utf8'))]));
    const indicatorValues = last(await bus.readToEnd(stack.topics.indicators));
    const scoreValues = last(await bus.readToEnd(stack.topics.scores));
    const start = '2026-10-01T00:00:00+06:00';
    const [indicator] = await database.query(
      `SELECT port, measure, kpi, grain, window_start_text AS "windowStart", window_end_text AS "windowEnd", value,
              samples, target, attainment, scored, catalogue_version AS "catalogueVersion", computed_at AS "computedAt"
         FROM indicator WHERE port = 'CNAKA' AND kpi = 'm1.instant_share' AND grain = 'month' AND window_start_text = $1`,
      [start],
    );
    expect(indicatorValues.get(`CNAKA|m1.instant_share|month|${start}`)).toEqual({
      ...indicator,
      computedAt: indicator.computedAt.toISOString(),
    });
    const scores = await database.query(
      `SELECT measure, window_end_text AS "windowEnd", score, coverage, catalogue_version AS "catalogueVersion",
              computed_at AS "computedAt"
         FROM score WHERE port = 'CNAKA' AND measure IN (0, 1) AND grain = 'month' AND window_start_text = $1
        ORDER BY measure`,
      [start],
    );
    const common = (row: (typeof scores)[number]) => ({
      port: 'CNAKA',
      grain: 'month',
      windowStart: start,
      windowEnd: row.windowEnd,
      score: row.score,
      catalogueVersion: row.catalogueVersion,
      computedAt: row.computedAt.toISOString(),
    });
    expect(scoreValues.get(`CNAKA|index|month|${start}`)).toEqual({
      kind: 'port',
      coverage: scores[0].coverage,
      ...common(scores[0]),
    });
    expect(scoreValues.get(`CNAKA|m1|month|${start}`)).toEqual({ kind: 'measure', measure: 1, ...common(scores[1]) });
  });

  it('compacts the outbox with VACUUM: the removed entries leave no dead rows behind', async () => {
    const store = new PgScoringStore(database);
    const vacuums = async () =>
      Number(
        (
          await database.query(
            `SELECT vacuum_count + autovacuum_count AS n FROM pg_stat_user_tables WHERE relname = 'outbox'`,
          )
        )[0].n,
      );
    const before = await vacuums();
    await store.compactOutbox();
    // Skipped only while autovacuum is at the table, which then counts when it finishes.
    for (let waited = 0; (await vacuums()) === before && waited < 10_000; waited += 200)
      await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await vacuums()).toBeGreaterThan(before);
    const [{ dead }] = await database.query(
      `SELECT n_dead_tup AS dead FROM pg_stat_user_tables WHERE relname = 'outbox'`,
    );
    expect(Number(dead)).toBe(0);
  });

  it("runs the services' statements without parallel workers", async () => {
    // The services' connections come from dataSourceOptions (see PARALLEL there); session
    // options in the URL apply as well.
    const url = new URL(stack.databaseUrl);
    url.searchParams.set('options', '-c work_mem=8MB');
    const own = await new DataSource(dataSourceOptions(url.toString())).initialize();
    try {
      expect(await own.query('SHOW max_parallel_workers_per_gather')).toEqual([
        { max_parallel_workers_per_gather: '0' },
      ]);
      expect(await own.query('SHOW work_mem')).toEqual([{ work_mem: '8MB' }]);
    } finally {
      await own.destroy();
    }
  });

  it("moves a case's samples when a late event makes its completing milestone earlier", async () => {
    const handled = async () =>
      Number((await database.query('SELECT coalesce(sum(count), 0) AS n FROM ingest_count'))[0].n);
    const before = await handled();
    const send = async (id: string, type: string, time: string, data: Record<string, string>) => {
      const event = { specversion: '1.0', id, source: 'urn:test:moved', type, time, port: 'CNHGS', data };
      await bus.publish(stack.topics.filings, [
        { key: 'CNHGS', value: JSON.stringify(event), headers: { 'content-type': 'application/cloudevents+json' } },
      ]);
    };
    const samples = async () =>
      (await database.query(
        `SELECT kpi, at, num, value FROM kpi_sample WHERE port = 'CNHGS' AND case_id = 'PM-1' ORDER BY kpi, at`,
      )) as Array<{ kpi: string; at: Date; num: number; value: number | null }>;
    const days = async () =>
      (await database.query(
        // CNHGS keeps UTC+6 (Asia/Urumqi).
        `SELECT window_start_text AS day, samples, value FROM indicator
          WHERE port = 'CNHGS' AND kpi = 'm1.instant_share' AND grain = 'day' ORDER BY window_start`,
      )) as Array<{ day: string; samples: number; value: number | null }>;

    await send('a-1', 'sw.permit.applied.v1', '2026-11-02T08:00:00+08:00', {
      permitId: 'PM-1',
      kind: 'food',
      channel: 'electronic',
    });
    await send('d-late', 'sw.permit.decided.v1', '2026-11-03T10:00:00+08:00', {
      permitId: 'PM-1',
      kind: 'food',
      decision: 'approved',
    });
    await waitUntilDigested(stack, database, before + 2);
    // Decided 26 h after the application: not within the hour.
    expect(await samples()).toEqual([
      { kpi: 'm1.instant_share', at: new Date('2026-11-03T02:00:00Z'), num: 0, value: null },
      { kpi: 'm1.p90_hours', at: new Date('2026-11-03T02:00:00Z'), num: 0, value: 26 },
    ]);
    expect(await days()).toEqual([{ day: '2026-11-03T00:00:00+06:00', samples: 1, value: 0 }]);

    // A decision reported by another event, half an hour after the application: the permit's
    // decided milestone takes the earlier time, and its samples move to it (not copied).
    await send('d-early', 'sw.permit.decided.v1', '2026-11-02T08:30:00+08:00', {
      permitId: 'PM-1',
      kind: 'food',
      decision: 'approved',
    });
    await waitUntilDigested(stack, database, before + 3);
    expect(await samples()).toEqual([
      { kpi: 'm1.instant_share', at: new Date('2026-11-02T00:30:00Z'), num: 1, value: null },
      { kpi: 'm1.p90_hours', at: new Date('2026-11-02T00:30:00Z'), num: 0, value: 0.5 },
    ]);
    expect(await days()).toEqual([
      { day: '2026-11-02T00:00:00+06:00', samples: 1, value: 1 },
      { day: '2026-11-03T00:00:00+06:00', samples: 0, value: null },
    ]);
  });

  it('inserts the milestones and samples it is told are new, upserts those stored after all, removes emptied ones', async () => {
    const store = new PgScoringStore(database);
    const ref = { port: 'CNHGS', caseType: 'permit', caseId: 'PM-FRESH' };
    const fact = (eventKey: string, at: string) => ({
      ...ref,
      milestone: 'applied',
      at: new Date(at),
      attrs: { permitId: 'PM-FRESH', channel: eventKey },
      eventKey,
    });
    const sample = (num: number) => ({
      port: 'CNHGS',
      kpi: 'm1.instant_share',
      caseId: 'PM-FRESH',
      at: new Date('2025-01-15T04:00:00Z'),
      value: null,
      den: 1,
      num,
      den2: 0,
      num2: 0,
      group: null,
      fresh: true,
    });
    const rollback = new Error('rolled back: the rows are for this test only');
    const seen = await store
      .transaction(async (unit) => {
        const read = async () => (await unit.loadCases([ref])).get(caseKey(ref))?.milestones.applied;
        // Not stored: inserted.
        await unit.upsertFacts([fact('urn:test:fresh b', '2025-01-15T02:00:00Z')], new Map());
        const inserted = await read();
        // Stored after all: an earlier report replaces it, a later one does not.
        await unit.upsertFacts([fact('urn:test:fresh a', '2025-01-15T01:00:00Z')], new Map());
        await unit.upsertFacts([fact('urn:test:fresh c', '2025-01-15T03:00:00Z')], new Map());
        const kept = await read();
        await unit.upsertSamples([sample(0)]);
        await unit.upsertSamples([sample(1)]);
        const dayStats = async () =>
          (
            await unit.windowStats([
              {
                port: 'CNHGS',
                kpi: 'm1.instant_share',
                grain: 'day',
                start: new Date('2025-01-14T18:00:00Z'),
                end: new Date('2025-01-15T18:00:00Z'),
              },
            ])
          )[0];
        const day = await dayStats();
        // A sample that comes to add nothing removes the stored one.
        await unit.upsertSamples([{ ...sample(0), den: 0, fresh: false, empty: true }]);
        const emptied = await dayStats();
        throw Object.assign(rollback, { seen: { inserted, kept, day, emptied } });
      })
      .catch((error: unknown) => {
        if (error !== rollback) throw error;
        return (error as Error & { seen: unknown }).seen;
      });
    expect(seen).toEqual({
      inserted: {
        at: new Date('2025-01-15T02:00:00Z'),
        attrs: { permitId: 'PM-FRESH', channel: 'urn:test:fresh b' },
        eventKey: 'urn:test:fresh b',
      },
      kept: {
        at: new Date('2025-01-15T01:00:00Z'),
        attrs: { permitId: 'PM-FRESH', channel: 'urn:test:fresh a' },
        eventKey: 'urn:test:fresh a',
      },
      day: expect.objectContaining({ count: 1, den: 1, num: 1 }),
      emptied: expect.objectContaining({ count: 0, den: 0, num: 0 }),
    });
    expect(await database.query(`SELECT 1 FROM case_milestone WHERE case_id = 'PM-FRESH'`)).toEqual([]);
  });

  it("reads the credit events of several ports' enterprises at once, each port's own", async () => {
    const store = new PgScoringStore(database);
    const rated = (port: string, caseId: string, enterpriseId: string) => ({
      port,
      caseType: 'credit_event',
      caseId,
      milestone: 'rated',
      at: new Date('2025-02-03T01:00:00Z'),
      attrs: { enterpriseId, level: 'advanced' },
      eventKey: `urn:test:credit ${caseId}`,
    });
    const rollback = new Error('rolled back: the rows are for this test only');
    const read = await store
      .transaction(async (unit) => {
        await unit.upsertFacts(
          [
            rated('CNHGS', 'CR-A1', 'ENT-1'),
            rated('CNHGS', 'CR-A2', 'ENT-2'),
            rated('CNNKG', 'CR-B1', 'ENT-2'),
            rated('CNNKG', 'CR-B2', 'ENT-1'),
          ],
          new Map(),
        );
        const wanted = new Map([
          ['CNHGS', ['ENT-1']],
          ['CNNKG', ['ENT-2', 'ENT-3']],
          ['CNSHA', ['ENT-1']],
        ]);
        const byPort = await unit.loadCasesWhere('credit_event', 'enterpriseId', wanted);
        throw Object.assign(rollback, {
          read: Object.fromEntries([...byPort].map(([port, cases]) => [port, cases.map((c) => c.caseId).sort()])),
        });
      })
      .catch((error: unknown) => {
        if (error !== rollback) throw error;
        return (error as Error & { read: unknown }).read;
      });
    // ENT-1 is asked for at CNHGS only: CNNKG's case of ENT-1 is not read, nor CNHGS's of ENT-2.
    expect(read).toEqual({ CNHGS: ['CR-A1'], CNNKG: ['CR-B1'], CNSHA: [] });
  });

  it('serves simulator traffic as indicators and scorecards', async () => {
    const handled = async () =>
      Number((await database.query('SELECT coalesce(sum(count), 0) AS n FROM ingest_count'))[0].n);
    const before = await handled();
    const output = stack.cli([
      'simulate',
      '--ports',
      '3',
      '--days',
      '5',
      '--seed',
      '11',
      '--end',
      '2026-11-20',
      '--quiet',
    ]);
    const published = Number(/published (\d+) simulated filings/.exec(output)![1]);
    expect(published).toBeGreaterThan(500);
    // Every filing handled, every event scored and every update published: only then are the
    // API (reading the database) and the topic's latest message about the same state.
    await waitUntilDigested(stack, database, before + published);
    const key = 'CNSHA|m1.instant_share|week|2026-11-16T00:00:00+08:00';
    const [stored] = (await database.query(
      `SELECT value, samples FROM indicator
        WHERE port = 'CNSHA' AND kpi = 'm1.instant_share' AND grain = 'week' AND window_start = '2026-11-16T00:00:00+08:00'`,
    )) as Array<{ value: number | null; samples: number }>;
    expect(stored!.samples).toBeGreaterThan(0);
    await waitUntil('the topic carries the stored indicator of the simulated week', 60_000, () => {
      const message = indicators.latestByKey<IndicatorMessage>().get(key);
      return message !== undefined && message.samples === stored!.samples && close(message.value, stored!.value);
    });
    const response = await fetch(`${stack.api}/v1/ports/CNSHA/scorecard?grain=week&date=2026-11-17`, {
      headers: authorized(stack.adminKey),
    });
    expect(response.status).toBe(200);
    const card = (await response.json()) as {
      index: number | null;
      coverage: number;
      measures: Array<{
        measure: number;
        score: number | null;
        basis: string;
        kpis: Array<{ kpi: string; value: number | null; samples: number }>;
      }>;
    };
    const topic = indicators.latestByKey<IndicatorMessage>().get(key)!;
    const served = card.measures[0]!.kpis.find((k) => k.kpi === 'm1.instant_share')!;
    expect({ value: served.value, samples: served.samples }).toEqual({ value: topic.value, samples: topic.samples });
    expect(card.coverage).toBeGreaterThan(0.5);
    const m11 = card.measures.find((m) => m.measure === 11)!;
    expect(m11.basis).toBe('status');

    // A later week with no event at the port: every measure scores from its latest status
    // report before the week's end (SPEC §4), the index from those; nothing is stored for it.
    const later = (await (
      await fetch(`${stack.api}/v1/ports/CNSHA/scorecard?grain=week&date=2026-12-15`, {
        headers: authorized(stack.adminKey),
      })
    ).json()) as typeof card;
    const fromStatus = later.measures.filter((m) => m.basis === 'status');
    expect(later.measures.find((m) => m.measure === 11)).toMatchObject({ score: m11.score, basis: 'status' });
    expect(later.measures.every((m) => m.basis === 'status' || (m.basis === 'none' && m.score === null))).toBe(true);
    expect(later.coverage).toBeCloseTo(fromStatus.length / 29, 12);
    expect(later.index).toBeCloseTo(fromStatus.reduce((sum, m) => sum + m.score!, 0) / fromStatus.length, 9);
    const heatMap = (await (
      await fetch(`${stack.api}/v1/scores?grain=week&date=2026-12-15`, { headers: authorized(stack.adminKey) })
    ).json()) as { ports: Array<{ port: string; index: number | null }> };
    expect(heatMap.ports.find((p) => p.port === 'CNSHA')!.index).toBeCloseTo(later.index!, 9);
  });

  it('applies a catalogue upgrade by recomputing every window while ingestion goes on', async () => {
    const catalogue = JSON.parse(readFileSync(join(ROOT, 'seeds/catalogue.json'), 'utf8')) as {
      version: string;
      measures: Array<{ kpis: Array<{ id: string; target: number }> }>;
    };
    catalogue.version = '2025.1';
    catalogue.measures[0]!.kpis.find((k) => k.id === 'm1.instant_share')!.target = 0.6;
    const file = join(mkdtempSync(join(tmpdir(), 'portscore-')), 'catalogue-2025.1.json');
    writeFileSync(file, JSON.stringify(catalogue));

    // New traffic keeps flowing while the upgrade is applied.
    const traffic = new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [
          join(ROOT, 'bin/portscore.js'),
          'simulate',
          '--ports',
          '2',
          '--days',
          '3',
          '--seed',
          '12',
          '--end',
          '2026-11-24',
          '--rate',
          '2000',
          '--quiet',
        ],
        { env: stack.env },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      );
    });
    const output = stack.cli(['catalogue', 'apply', file]);
    expect(output).toContain('catalogue 2025.1 is now in force');
    expect(output).toMatch(/recomputed \d+ windows of \d+ ports with catalogue 2025.1/);
    await traffic;

    const key = 'CNSHA|m1.instant_share|month|2026-10-01T00:00:00+08:00';
    await waitUntil(
      'the upgraded indicator is published',
      60_000,
      () => indicators.latestByKey<IndicatorMessage>().get(key)?.catalogueVersion === '2025.1',
    );
    const upgraded = indicators.latestByKey<IndicatorMessage>().get(key)!;
    expect(upgraded.target).toBe(0.6);
    expect(upgraded.attainment).toBeCloseTo(Math.min(1, upgraded.value! / 0.6), 12);
    // Windows scored after the upgrade, by the running scorer, use it too.
    await waitUntil(
      'the outbox is empty',
      60_000,
      async () => Number((await database.query('SELECT count(*) AS n FROM outbox'))[0].n) === 0,
    );
    const stale = await database.query(`SELECT count(*) AS n FROM indicator WHERE catalogue_version <> '2025.1'`);
    expect(Number(stale[0].n)).toBe(0);
  });
});
