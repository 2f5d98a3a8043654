import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { type Browser, chromium, type Page } from 'playwright-core';
import { DataSource } from 'typeorm';

import { ROOT } from './setup/e2e-environment';
import { authorized, type RunningStack, startStack, waitUntilDigested } from './support/stack';

const ARTIFACTS = join(ROOT, 'test-artifacts', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface Card {
  index: number | null;
  measures: Array<{ measure: number; score: number | null }>;
}

/** The dashboard in real headless Chromium against a running stack with simulated data. */
describe('dashboard in headless Chromium (real stack)', () => {
  let stack: RunningStack;
  let database: DataSource;
  let browser: Browser;
  let page: Page;
  let key: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    stack = await startStack('dashboard', 3923);
    database = await new DataSource({ type: 'postgres', url: stack.databaseUrl }).initialize();
    key = stack.createKey('agency');
    const output = stack.cli([
      'simulate',
      '--ports',
      '5',
      '--days',
      '14',
      '--seed',
      '31',
      '--end',
      '2026-11-20',
      '--quiet',
    ]);
    const published = Number(/published (\d+) simulated filings/.exec(output)![1]);
    await waitUntilDigested(stack, database, published);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${stack.api}/dashboard/#key=${key}&date=2026-11-15&grain=month`);
    await page.waitForSelector('#heatmap td.cell');
  });

  afterAll(async () => {
    await browser?.close();
    await database?.destroy();
    await stack?.stop();
  });

  it('shows a ports × measures heat map whose numbers equal the API', async () => {
    await page.screenshot({ path: join(ARTIFACTS, 'heatmap.png'), fullPage: true });
    const cells = await page.$$eval('#heatmap td.cell', (tds) =>
      tds.map((td) => ({
        port: td.getAttribute('data-port')!,
        measure: Number(td.getAttribute('data-measure')),
        score: td.getAttribute('data-score'),
        text: td.textContent,
      })),
    );
    expect(cells).toHaveLength(50 * 29);
    for (const port of ['CNSHA', 'CNTSN', 'CNDLC', 'CNXMN', 'CNCAN']) {
      const card = (await (
        await fetch(`${stack.api}/v1/ports/${port}/scorecard?grain=month&date=2026-11-15`, { headers: authorized(key) })
      ).json()) as Card;
      for (const measure of card.measures) {
        const cell = cells.find((c) => c.port === port && c.measure === measure.measure)!;
        expect({ port, measure: measure.measure, score: cell.score === '' ? null : Number(cell.score) }).toEqual({
          port,
          measure: measure.measure,
          score: measure.score,
        });
        expect(cell.text).toBe(measure.score === null ? '—' : String(Math.round(measure.score)));
      }
      const index = await page.getAttribute(`[data-port-index="${port}"]`, 'data-score');
      expect(index === '' ? null : Number(index)).toEqual(card.index);
    }
    // Ports without traffic show no data, not zero.
    expect(cells.filter((c) => c.port === 'CNPEK').every((c) => c.text === '—')).toBe(true);
  });

  it('drills down from a cell to the KPIs and the cases behind them', async () => {
    await page.click('td.cell[data-port="CNSHA"][data-measure="1"]');
    await page.waitForSelector('#detail tr[data-kpi="m1.instant_share"]');
    const shown = await page.textContent('#detail tr[data-kpi="m1.instant_share"] .samples');
    const card = (await (
      await fetch(`${stack.api}/v1/ports/CNSHA/scorecard?grain=month&date=2026-11-15`, { headers: authorized(key) })
    ).json()) as {
      measures: Array<{ kpis: Array<{ kpi: string; samples: number }> }>;
    };
    expect(Number(shown)).toBe(card.measures[0]!.kpis[0]!.samples);
    await page.click('button[data-cases="m1.instant_share"]');
    await page.waitForSelector('#case-list tbody tr');
    expect(await page.$$eval('#case-list tbody tr', (rows) => rows.length)).toBeGreaterThan(0);
    expect(await page.textContent('#case-list')).toContain('decided');
    await page.screenshot({ path: join(ARTIFACTS, 'drilldown.png'), fullPage: true });
  });

  it('opens a port page with KPI trend charts and a measure page with the ranking', async () => {
    await page.click('#heatmap tbody th[data-port="CNSHA"]');
    await page.waitForSelector('#detail .card svg polyline');
    expect(await page.$$eval('#detail .card', (cards) => cards.length)).toBeGreaterThan(20);
    await page.screenshot({ path: join(ARTIFACTS, 'port-trends.png'), fullPage: true });
    await page.click('#heatmap thead th[data-measure="20"]');
    await page.waitForSelector('#ranking tbody tr');
    expect(await page.$$eval('#ranking tbody tr', (rows) => rows.length)).toBe(50);
    await page.screenshot({ path: join(ARTIFACTS, 'measure-ranking.png'), fullPage: true });
  });

  it('switches labels between English and Chinese', async () => {
    await page.click('#language');
    expect(await page.textContent('h1')).toContain('口岸评分');
    await page.waitForFunction(
      `document.querySelector('#heatmap thead th[data-measure="1"]')?.getAttribute('title') === '进一步压缩检疫审批许可时长'`,
    );
    expect(await page.textContent('#heatmap tbody th[data-port="CNSHA"]')).toContain('上海');
    await page.screenshot({ path: join(ARTIFACTS, 'heatmap-zh.png'), fullPage: true });
    await page.click('#language');
    await page.waitForFunction(
      `document.querySelector('#heatmap thead th[data-measure="1"]')?.getAttribute('title') === 'Shorter quarantine approval'`,
    );
    expect(await page.textContent('h1')).toContain('Portscore');
  });

  it('updates a cell live when a new filing changes its score', async () => {
    await page.click('#crumbs a[data-go="overview"]');
    await page.waitForSelector('#live.on');
    const cell = 'td.cell[data-port="CNPEK"][data-measure="11"]';
    expect(await page.textContent(cell)).toBe('—');
    // Beijing Capital Airport reports measure 11 fully implemented, inside the window shown.
    await fetch(`${stack.api}/v1/filings`, {
      method: 'POST',
      headers: authorized(stack.adminKey, { 'content-type': 'application/cloudevents+json' }),
      body: JSON.stringify({
        specversion: '1.0',
        id: 'live-1',
        source: 'urn:test:dashboard',
        type: 'sw.measure.status.v1',
        time: '2026-11-10T10:00:00+08:00',
        port: 'CNPEK',
        data: { measure: 11, level: 'full' },
      }),
    });
    await page.waitForFunction(`document.querySelector('${cell}')?.textContent === '100'`, undefined, {
      timeout: 60_000,
    });
    expect(await page.getAttribute(cell, 'data-score')).toBe('100');
    // The port index follows on the same stream (its message may come a moment later).
    await page.waitForFunction(
      `document.querySelector('[data-port-index="CNPEK"]')?.textContent === '100.0'`,
      undefined,
      { timeout: 30_000 },
    );
    await page.screenshot({ path: join(ARTIFACTS, 'live-update.png'), fullPage: true });
  });
});
