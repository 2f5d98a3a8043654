import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IndicatorMessage } from '@portscore/catalogue';
import { KafkaBus } from '@portscore/messaging';

import { e2eEnvironment, ROOT } from './setup/e2e-environment';
import { authorized, type RunningStack, startStack, waitUntil } from './support/stack';
import { TopicReader } from './support/topic-reader';

/**
 * Filings through the real broker, gateway, scorer, PostgreSQL and API. Expected values are
 * worked out by hand in seeds/filings' comment in the README and in the scoring unit tests:
 * October 2026 at CNSHA has six permits with both milestones, durations 0.5, 0.75, 1, 12, 30
 * and 1/3 h (4 of 6 within 1 h; p90 = 21 h), and six entry-inspection certificates, five
 * electronic.
 */
describe('measure 1 end to end (real Kafka and PostgreSQL)', () => {
  const environment = e2eEnvironment();
  const fixture = readFileSync(join(ROOT, 'test/fixtures/valid/m1-cnsha-october.ndjson'), 'utf8').trim().split('\n');
  const october = '2026-10-01T00:00:00+08:00';
  let stack: RunningStack;
  let indicators: TopicReader;
  let deadLetters: TopicReader;
  let bus: KafkaBus;

  beforeAll(async () => {
    stack = await startStack('m1', 3917);
    bus = new KafkaBus({ brokers: environment.kafkaBrokers.split(','), clientId: 'portscore-test-publisher' });
    indicators = await TopicReader.open(environment.kafkaBrokers, stack.topics.indicators);
    deadLetters = await TopicReader.open(environment.kafkaBrokers, stack.topics.deadLetters);
  });

  afterAll(async () => {
    await Promise.allSettled([indicators?.close(), deadLetters?.close(), bus?.disconnect()]);
    await stack?.stop();
  });

  const publish = (lines: string[]) =>
    bus.publish(
      stack.topics.filings,
      lines.map((line) => ({
        key: (JSON.parse(line) as { port: string }).port,
        value: line,
        headers: { 'content-type': 'application/cloudevents+json' },
      })),
    );

  const monthly = (kpi: string, port = 'CNSHA') =>
    indicators.latestByKey<IndicatorMessage>().get(`${port}|${kpi}|month|${october}`);

  it('publishes measure-1 indicators on sw.indicators.v1 with hand-computed values', async () => {
    // Out of order: decisions and certificates first, applications last.
    const applications = fixture.filter((line) => line.includes('sw.permit.applied.v1'));
    await publish(fixture.filter((line) => !line.includes('sw.permit.applied.v1')));
    await publish(applications);

    await waitUntil(
      'm1.instant_share for October has 6 samples',
      90_000,
      () => monthly('m1.instant_share')?.samples === 6,
    );
    await waitUntil('m1.ecert_share for October has 6 samples', 30_000, () => monthly('m1.ecert_share')?.samples === 6);

    const instant = monthly('m1.instant_share')!;
    expect(instant).toMatchObject({
      port: 'CNSHA',
      measure: 1,
      kpi: 'm1.instant_share',
      grain: 'month',
      windowStart: '2026-10-01T00:00:00+08:00',
      windowEnd: '2026-11-01T00:00:00+08:00',
      samples: 6,
      target: 0.9,
      scored: true,
      catalogueVersion: '2024.1',
    });
    expect(instant.value).toBeCloseTo(4 / 6, 12);
    expect(instant.attainment).toBeCloseTo(4 / 6 / 0.9, 12);
    expect(Number.isNaN(Date.parse(instant.computedAt))).toBe(false);
    expect(monthly('m1.p90_hours')).toMatchObject({ value: 21, samples: 6, attainment: 1, scored: true });
    expect(monthly('m1.ecert_share')!.value).toBeCloseTo(5 / 6, 12);

    // Ningbo: three permits, below the minimum of five: reported, not scored.
    await waitUntil('CNNGB instant share arrives', 30_000, () => monthly('m1.instant_share', 'CNNGB')?.samples === 3);
    expect(monthly('m1.instant_share', 'CNNGB')).toMatchObject({ value: 1, scored: false, attainment: null });

    // A day window in the port's zone: 5 October holds P1 (0.5 h) and P2 (0.75 h). Its update
    // may sit on another partition of the topic than the month's, so it can arrive later.
    const day = () =>
      indicators.latestByKey<IndicatorMessage>().get('CNSHA|m1.instant_share|day|2026-10-05T00:00:00+08:00');
    await waitUntil('the 5 October day window has 2 samples', 30_000, () => day()?.samples === 2);
    expect(day()).toMatchObject({ value: 1, samples: 2, scored: false });
  });

  it('serves the same numbers from GET /v1/ports/{port}/scorecard', async () => {
    const response = await fetch(`${stack.api}/v1/ports/CNSHA/scorecard?grain=month&date=2026-10-20`, {
      headers: authorized(stack.adminKey),
    });
    expect(response.status).toBe(200);
    const card = (await response.json()) as {
      windowStart: string;
      index: number;
      coverage: number;
      measures: Array<{
        measure: number;
        score: number | null;
        kpis: Array<{ kpi: string; value: number | null; samples: number }>;
      }>;
    };
    expect(card.windowStart).toBe(october);
    expect(card.measures).toHaveLength(29);
    const m1 = card.measures[0]!;
    expect(m1.kpis.map((k) => [k.kpi, k.samples])).toEqual([
      ['m1.instant_share', 6],
      ['m1.p90_hours', 6],
      ['m1.ecert_share', 6],
    ]);
    // 100 × mean(0.6667/0.9, 1, 0.8333) = 85.80
    expect(m1.score).toBeCloseTo((100 * (4 / 6 / 0.9 + 1 + 5 / 6)) / 3, 9);
    expect(card.index).toBeCloseTo(m1.score!, 9);
    expect(card.coverage).toBeCloseTo(1 / 29, 12);
    expect(card.measures[1]!.score).toBeNull();

    // Drill-down: the 7 permits decided in October, of which the 6 with an application count.
    const drill = (await (
      await fetch(`${stack.api}/v1/ports/CNSHA/kpis/m1.instant_share/cases?grain=month&date=2026-10-20`, {
        headers: authorized(stack.adminKey),
      })
    ).json()) as { total: number; counted: number; cases: Array<{ caseId: string; counted: boolean }> };
    expect([drill.total, drill.counted]).toEqual([7, 6]);
    expect(drill.cases.filter((c) => !c.counted).map((c) => c.caseId)).toEqual(['CNSHA-P7']);

    expect((await fetch(`${stack.api}/v1/ports/XXNOP/scorecard`, { headers: authorized(stack.adminKey) })).status).toBe(
      404,
    );
    expect(
      (await fetch(`${stack.api}/v1/ports/CNSHA/scorecard?grain=year`, { headers: authorized(stack.adminKey) })).status,
    ).toBe(400);
    expect((await fetch(`${stack.api}/v1/ports/CNSHA/scorecard`)).status).toBe(401);
    const ningbo = stack.createKey('port:CNNGB');
    expect((await fetch(`${stack.api}/v1/ports/CNSHA/scorecard`, { headers: authorized(ningbo) })).status).toBe(403);
    expect(
      (await fetch(`${stack.api}/v1/ports/CNNGB/scorecard?date=2026-10-20`, { headers: authorized(ningbo) })).status,
    ).toBe(200);
  });

  it('does not double-count a full re-send, and dead-letters a bad filing with its bytes and reason', async () => {
    const before = indicators.messages.length;
    const bad = JSON.stringify({
      ...(JSON.parse(fixture[0]!) as object),
      id: 'CNSHA-BAD-1',
      data: { permitId: 'CNSHA-BAD-1', kind: 'fish', channel: 'electronic' },
    });
    await publish([...fixture, bad]);
    await waitUntil('the bad filing is dead-lettered', 60_000, () => deadLetters.messages.length === 1);
    const dead = deadLetters.messages[0]!;
    expect(dead.value.toString('utf8')).toBe(bad);
    expect(dead.headers['x-reject-reason']).toBe('validation_failed');
    expect(dead.headers['x-reject-detail']).toContain('data.kind');
    expect(dead.headers['content-type']).toBe('application/cloudevents+json');

    // The gateway handled the re-send (it is behind the bad filing on the same partition) …
    await new Promise((resolve) => setTimeout(resolve, 3000));
    // … and no indicator changed, so nothing new was published.
    expect(indicators.messages.length).toBe(before);
    expect(monthly('m1.instant_share')!.samples).toBe(6);
    expect(monthly('m1.instant_share')!.value).toBeCloseTo(4 / 6, 12);
  });
});
