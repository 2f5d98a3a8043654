import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type Catalogue, MeasureCatalogue } from './catalogue';
import { type MeasureStatus, scoreWindow } from './scores';
import { windowOf } from './windows';

const catalogue = new MeasureCatalogue(
  JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'seeds', 'catalogue.json'), 'utf8')) as Catalogue,
);
const october = windowOf(new Date('2026-10-15T00:00:00Z'), 'Asia/Shanghai', 'month');

/** The score of measure 11 (status only) for the October window, from the given reports in this order. */
function statusScore(statuses: MeasureStatus[]): number | null {
  const scores = scoreWindow(catalogue, 'CNSHA', october, new Map(), statuses);
  return scores.measures.find((m) => m.measure === 11)!.score;
}

function both<T>(a: T, b: T): T[][] {
  return [
    [a, b],
    [b, a],
  ];
}

describe('scoreWindow: status reports', () => {
  const at = new Date('2026-10-12T00:00:00Z');

  it('takes the latest report before the window end, none when there is neither KPI nor report', () => {
    const pilot: MeasureStatus = {
      measure: 11,
      level: 'pilot',
      at: new Date('2026-09-03T00:00:00Z'),
      eventKey: 'urn:z 9',
    };
    const partial: MeasureStatus = { measure: 11, level: 'partial', at, eventKey: 'urn:a 1' };
    const afterEnd: MeasureStatus = { measure: 11, level: 'full', at: october.end, eventKey: 'urn:z 9' };
    for (const order of both(pilot, partial)) expect(statusScore([...order, afterEnd])).toBeCloseTo(200 / 3, 9);
    expect(statusScore([])).toBeNull();
  });

  it('on the same time, takes the report with the larger event key, whatever the order', () => {
    const first: MeasureStatus = { measure: 11, level: 'full', at, eventKey: 'urn:a e1' };
    const second: MeasureStatus = { measure: 11, level: 'pilot', at, eventKey: 'urn:b e1' };
    for (const order of both(first, second)) expect(statusScore(order)).toBeCloseTo(100 / 3, 9);
  });
});
