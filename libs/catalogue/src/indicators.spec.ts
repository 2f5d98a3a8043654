import { touchedWindows } from './indicators';
import type { CaseRecord, KpiRule } from './kpi-rules';

const SHANGHAI = 'Asia/Shanghai';
const rule = { completing: 'decided' } as KpiRule;

function decidedAt(at: string): CaseRecord {
  return { caseId: 'P1', milestones: { decided: { at: new Date(at), attrs: {} } } };
}

const starts = (windows: ReadonlyArray<{ grain: string; startText: string }>) =>
  windows.map((w) => `${w.grain} ${w.startText.slice(0, 10)}`);

describe('touchedWindows', () => {
  it('gives the day, week and month of a newly completed case, none of an open one', () => {
    // 2026-10-05 09:00 in Shanghai, a Monday.
    expect(starts(touchedWindows(rule, SHANGHAI, undefined, decidedAt('2026-10-05T01:00:00Z')))).toEqual([
      'day 2026-10-05',
      'week 2026-10-05',
      'month 2026-10-01',
    ]);
    expect(touchedWindows(rule, SHANGHAI, undefined, { caseId: 'P1', milestones: {} })).toEqual([]);
  });

  it('gives the windows left and then those entered when the completing milestone moves', () => {
    // Monday 09:00 → the Sunday before, 09:00: a new day and week, the same month.
    const moved = touchedWindows(rule, SHANGHAI, decidedAt('2026-10-05T01:00:00Z'), decidedAt('2026-10-04T01:00:00Z'));
    expect(starts(moved)).toEqual([
      'day 2026-10-05',
      'week 2026-10-05',
      'month 2026-10-01',
      'day 2026-10-04',
      'week 2026-09-28',
    ]);
    // Later the same day: the same three windows.
    const sameDay = touchedWindows(
      rule,
      SHANGHAI,
      decidedAt('2026-10-05T01:00:00Z'),
      decidedAt('2026-10-05T09:30:00Z'),
    );
    expect(starts(sameDay)).toEqual(['day 2026-10-05', 'week 2026-10-05', 'month 2026-10-01']);
    // Dropped (the case no longer completes): the windows it was in.
    expect(
      starts(touchedWindows(rule, SHANGHAI, decidedAt('2026-10-05T01:00:00Z'), { caseId: 'P1', milestones: {} })),
    ).toEqual(['day 2026-10-05', 'week 2026-10-05', 'month 2026-10-01']);
  });
});
