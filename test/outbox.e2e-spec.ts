import { type Indicator, toIndicatorMessage } from '@portscore/catalogue';
import { dataSourceOptions, PgScoringStore } from '@portscore/persistence';
import { DataSource } from 'typeorm';

import { migratedScratchDatabase } from './support/scratch-database';

/**
 * The outbox on the real PostgreSQL: pages of entries by the messages they hold, and the upgrade
 * to entries of message texts — entries queued by the previous version (with and without their
 * copy of the value) are still published, with the messages the previous publisher sent, and a
 * downgrade gives them back as entries of the older shape.
 */
describe('outbox (real PostgreSQL)', () => {
  let database: DataSource;

  beforeAll(async () => {
    const url = await migratedScratchDatabase('outbox');
    database = await new DataSource(dataSourceOptions(url)).initialize();
  });

  afterAll(async () => {
    await database?.destroy();
  });

  it('reads entries until they hold a page of messages, and sends the latest message of each key', async () => {
    const store = new PgScoringStore(database);
    const queued: Array<[string, string[]]> = [
      ['indicator', ['A|k|day|1\t{"v":1}', 'B|k|day|1\t{"v":2}', 'A|k|day|1\t{"v":3}']],
      ['score', ['A|m1|day|1\t{"s":1}', 'A|m2|day|1\t{"s":2}', 'A|m3|day|1\t{"s":3}', 'A|m1|day|1\t{"s":4}']],
      ['indicator', ['A|k|day|1\t{"v":5}', 'C|k|day|1\t{"v":6}']],
    ];
    const ids: string[] = [];
    for (const [kind, lines] of queued) {
      const [{ id }] = await database.query(
        `INSERT INTO outbox (kind, count, messages) VALUES ($1, $2, $3) RETURNING id`,
        [kind, lines.length, lines.join('\n')],
      );
      ids.push(String(id));
    }
    // 3 messages before the second entry, under 5: it is read; 7 before the third: it is not.
    const page = await store.pendingOutbox(5);
    expect(page.ids).toEqual(ids.slice(0, 2));
    expect(page.messages).toBe(7);
    expect(page.indicators).toEqual([
      { key: 'A|k|day|1', value: '{"v":3}' },
      { key: 'B|k|day|1', value: '{"v":2}' },
    ]);
    expect(page.scores).toEqual([
      { key: 'A|m1|day|1', value: '{"s":4}' },
      { key: 'A|m2|day|1', value: '{"s":2}' },
      { key: 'A|m3|day|1', value: '{"s":3}' },
    ]);
    // 3 before the second entry is not under 3; the first entry is read whatever it holds.
    expect((await store.pendingOutbox(3)).ids).toEqual(ids.slice(0, 1));
    expect((await store.pendingOutbox(2)).ids).toEqual(ids.slice(0, 1));
    await store.removeFromOutbox(ids.slice(0, 2));
    const rest = await store.pendingOutbox(5);
    expect(rest).toEqual({
      ids: ids.slice(2),
      messages: 2,
      indicators: [
        { key: 'A|k|day|1', value: '{"v":5}' },
        { key: 'C|k|day|1', value: '{"v":6}' },
      ],
      scores: [],
    });
    await store.removeFromOutbox(rest.ids);
    expect(await store.pendingOutbox(5)).toEqual({ ids: [], messages: 0, indicators: [], scores: [] });
  });

  it('queues what a statement changed, a thousand messages an entry, and nothing that did not change', async () => {
    const store = new PgScoringStore(database);
    const at = new Date('2026-11-03T00:00:00.000Z');
    const indicators: Indicator[] = Array.from({ length: 2500 }, (_, i) => ({
      port: 'CNQUE',
      measure: 1,
      kpi: `m1.k${i}`,
      grain: 'day',
      windowStart: new Date('2026-11-01T16:00:00.000Z'),
      windowEnd: new Date('2026-11-02T16:00:00.000Z'),
      windowStartText: '2026-11-02T00:00:00+08:00',
      windowEndText: '2026-11-03T00:00:00+08:00',
      value: i / 4,
      samples: i,
      target: 0.9,
      attainment: null,
      scored: false,
      catalogueVersion: '2024.1',
    }));
    const counts = async () =>
      (await database.query(`SELECT count FROM outbox ORDER BY id`)).map((row: { count: number }) => row.count);
    const before = await counts();
    await store.transaction((unit) => unit.saveIndicators(indicators, at));
    expect((await counts()).slice(before.length)).toEqual([1000, 1000, 500]);
    // Saved again unchanged: nothing more to publish.
    await store.transaction((unit) => unit.saveIndicators(indicators, at));
    expect(await counts()).toHaveLength(before.length + 3);
    const page = await store.pendingOutbox(5000);
    const queued = page.indicators.filter((m) => m.key.startsWith('CNQUE|'));
    expect(queued).toHaveLength(2500);
    expect(queued[1234]).toEqual({
      key: 'CNQUE|m1.k1234|day|2026-11-02T00:00:00+08:00',
      value: JSON.stringify(toIndicatorMessage(indicators[1234]!, at)),
    });
    await store.removeFromOutbox(page.ids);
  });

  const WINDOW = { start: '2026-10-01T00:00:00+06:00', end: '2026-11-01T00:00:00+06:00' };

  it('turns pending entries into messages, and back', async () => {
    await undoThrough(database, 'OutboxText1795801000000');
    // As the previous version queued them: an indicator and a measure score with their copies, a
    // port index without one (its stored row gives the value), and an indicator without one whose
    // row is gone (dropped, as the previous publisher skipped it).
    await database.query(
      `INSERT INTO score (port, measure, grain, window_start, window_end, window_start_text, window_end_text, score,
                          basis, coverage, catalogue_version, computed_at)
       VALUES ('CNAKA', 0, 'month', $1, $2, $3, $4, 62.5, 'index', 0.25, '2024.1', '2026-11-02T03:04:05.678Z')`,
      [WINDOW.start, WINDOW.end, WINDOW.start, WINDOW.end],
    );
    await database.query(
      `INSERT INTO outbox (kind, port, kpi, measure, grain, window_start, window_start_text, window_end_text, value,
                           samples, target, attainment, scored, score, coverage, catalogue_version, computed_at)
       VALUES ('indicator', 'CNAKA', 'm1.instant_share', 1, 'month', $1, $2, $3, 0.00001, 3, 0.9, NULL, false,
               NULL, NULL, '2024.1', '2026-11-02T03:04:05.678Z'),
              ('indicator', 'CNAKA', 'm2.gone', NULL, 'month', $1, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
               NULL, NULL, NULL, NULL),
              ('score', 'CNAKA', NULL, 0, 'month', $1, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
               NULL, NULL, NULL, NULL),
              ('score', 'CNAKA', NULL, 7, 'month', $1, $2, $3, NULL, NULL, NULL, NULL, NULL,
               87.5, NULL, '2024.1', '2026-11-02T03:04:06.000Z')`,
      [WINDOW.start, WINDOW.start, WINDOW.end],
    );
    await database.runMigrations({ transaction: 'each' });

    const page = await new PgScoringStore(database).pendingOutbox(100);
    expect(page.messages).toBe(3);
    expect(page.ids).toHaveLength(2); // one entry of indicators, one of scores
    // Field for field and in the order the publisher writes them; PostgreSQL writes 0.00001 as
    // 1e-05, the same number.
    const parsed = (messages: typeof page.indicators) =>
      messages.map((m) => ({ key: m.key, json: JSON.stringify(JSON.parse(m.value)) }));
    expect(parsed(page.indicators)).toEqual([
      {
        key: `CNAKA|m1.instant_share|month|${WINDOW.start}`,
        json: JSON.stringify({
          port: 'CNAKA',
          measure: 1,
          kpi: 'm1.instant_share',
          grain: 'month',
          windowStart: WINDOW.start,
          windowEnd: WINDOW.end,
          value: 0.00001,
          samples: 3,
          target: 0.9,
          attainment: null,
          scored: false,
          catalogueVersion: '2024.1',
          computedAt: '2026-11-02T03:04:05.678Z',
        }),
      },
    ]);
    expect(parsed(page.scores)).toEqual([
      {
        key: `CNAKA|index|month|${WINDOW.start}`,
        json: JSON.stringify({
          kind: 'port',
          port: 'CNAKA',
          coverage: 0.25,
          grain: 'month',
          windowStart: WINDOW.start,
          windowEnd: WINDOW.end,
          score: 62.5,
          catalogueVersion: '2024.1',
          computedAt: '2026-11-02T03:04:05.678Z',
        }),
      },
      {
        key: `CNAKA|m7|month|${WINDOW.start}`,
        json: JSON.stringify({
          kind: 'measure',
          port: 'CNAKA',
          measure: 7,
          grain: 'month',
          windowStart: WINDOW.start,
          windowEnd: WINDOW.end,
          score: 87.5,
          catalogueVersion: '2024.1',
          computedAt: '2026-11-02T03:04:06.000Z',
        }),
      },
    ]);

    // Back: an entry a message, each with its copy of the value, in the order they were queued.
    await undoThrough(database, 'OutboxText1795801000000');
    const entries = await database.query(
      `SELECT kind, port, kpi, measure, grain, window_start_text, window_end_text, value, samples, target, attainment,
              scored, score, coverage, catalogue_version, computed_at
         FROM outbox ORDER BY id`,
    );
    expect(entries).toEqual([
      {
        kind: 'indicator',
        port: 'CNAKA',
        kpi: 'm1.instant_share',
        measure: 1,
        grain: 'month',
        window_start_text: WINDOW.start,
        window_end_text: WINDOW.end,
        value: 0.00001,
        samples: 3,
        target: 0.9,
        attainment: null,
        scored: false,
        score: null,
        coverage: null,
        catalogue_version: '2024.1',
        computed_at: new Date('2026-11-02T03:04:05.678Z'),
      },
      expect.objectContaining({ kind: 'score', kpi: null, measure: 0, score: 62.5, coverage: 0.25 }),
      expect.objectContaining({ kind: 'score', kpi: null, measure: 7, score: 87.5, coverage: null }),
    ]);
    await database.runMigrations({ transaction: 'each' });
    expect((await new PgScoringStore(database).pendingOutbox(100)).messages).toBe(3);
  });
});

/** Undoes the migrations applied after `name`, newest first, then `name` itself. */
async function undoThrough(database: DataSource, name: string): Promise<void> {
  for (;;) {
    const [last] = await database.query(`SELECT name FROM migrations ORDER BY timestamp DESC LIMIT 1`);
    await database.undoLastMigration({ transaction: 'each' });
    if (last?.name === name || last === undefined) return;
  }
}
