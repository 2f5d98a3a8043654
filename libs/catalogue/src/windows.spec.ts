import { formatInZone, offsetMinutes, windowOf, windowOfLocalDate, windowsAt, windowsEndedBetween } from './windows';

const SHANGHAI = 'Asia/Shanghai';

describe('windowOf', () => {
  it('puts the first second of a Shanghai month in that month, though it is the previous day in UTC', () => {
    const window = windowOf(new Date('2026-09-30T16:00:00Z'), SHANGHAI, 'month');
    expect(window.startText).toBe('2026-10-01T00:00:00+08:00');
    expect(window.endText).toBe('2026-11-01T00:00:00+08:00');
    expect(window.start.toISOString()).toBe('2026-09-30T16:00:00.000Z');
  });

  it('puts the last second before Shanghai midnight in the previous month', () => {
    const window = windowOf(new Date('2026-09-30T15:59:59Z'), SHANGHAI, 'month');
    expect(window.startText).toBe('2026-09-01T00:00:00+08:00');
    expect(window.endText).toBe('2026-10-01T00:00:00+08:00');
  });

  it('starts ISO weeks on Monday in the port time zone', () => {
    // Sunday 2026-10-11 23:30 in Shanghai is still week 41 (Mon 5 Oct – Mon 12 Oct).
    const sunday = windowOf(new Date('2026-10-11T15:30:00Z'), SHANGHAI, 'week');
    expect(sunday.startText).toBe('2026-10-05T00:00:00+08:00');
    expect(sunday.endText).toBe('2026-10-12T00:00:00+08:00');
    const monday = windowOf(new Date('2026-10-11T16:00:00Z'), SHANGHAI, 'week');
    expect(monday.startText).toBe('2026-10-12T00:00:00+08:00');
  });

  it('lets an ISO week cross a year end', () => {
    const window = windowOf(new Date('2027-01-01T04:00:00Z'), SHANGHAI, 'week');
    expect(window.startText).toBe('2026-12-28T00:00:00+08:00');
    expect(window.endText).toBe('2027-01-04T00:00:00+08:00');
  });

  it('uses each port its own zone: Urumqi midnight is 18:00 UTC', () => {
    const window = windowOf(new Date('2026-10-05T17:59:00Z'), 'Asia/Urumqi', 'day');
    expect(window.startText).toBe('2026-10-05T00:00:00+06:00');
    expect(window.start.toISOString()).toBe('2026-10-04T18:00:00.000Z');
  });

  it('gives a 23-hour day where daylight saving starts', () => {
    const window = windowOf(new Date('2026-03-29T12:00:00Z'), 'Europe/Berlin', 'day');
    expect(window.startText).toBe('2026-03-29T00:00:00+01:00');
    expect(window.endText).toBe('2026-03-30T00:00:00+02:00');
    expect(window.end.getTime() - window.start.getTime()).toBe(23 * 3_600_000);
  });

  it('gives day, week and month windows for one instant', () => {
    expect(windowsAt(new Date('2026-10-05T01:00:00Z'), SHANGHAI).map((w) => w.startText)).toEqual([
      '2026-10-05T00:00:00+08:00',
      '2026-10-05T00:00:00+08:00',
      '2026-10-01T00:00:00+08:00',
    ]);
  });
});

describe('windowsAt', () => {
  it('splits at local midnight on the quarter hour, whichever side is asked first', () => {
    // Shanghai midnight is 16:00Z; Kathmandu (+05:45) midnight is 18:15Z.
    const cases = [
      { zone: SHANGHAI, before: '2026-10-11T15:59:59.999Z', after: '2026-10-11T16:00:00.000Z', day: '2026-10-12' },
      {
        zone: 'Asia/Kathmandu',
        before: '2026-10-11T18:14:59.999Z',
        after: '2026-10-11T18:15:00.000Z',
        day: '2026-10-12',
      },
    ];
    for (const { zone, before, after, day } of cases) {
      // The later instant first, so a cached quarter hour would show in the earlier one.
      const next = windowsAt(new Date(after), zone);
      const previous = windowsAt(new Date(before), zone);
      expect(next[0]!.startText.slice(0, 10)).toBe(day);
      expect(previous[0]!.endText).toBe(next[0]!.startText);
      expect(previous.map((w) => w.grain)).toEqual(['day', 'week', 'month']);
    }
    // The same quarter hour gives the same (shared) windows.
    expect(windowsAt(new Date('2026-10-11T16:14:59Z'), SHANGHAI)).toBe(
      windowsAt(new Date('2026-10-11T16:00:00Z'), SHANGHAI),
    );
  });
});

describe('windowOfLocalDate', () => {
  it('reads a calendar date in the port zone', () => {
    expect(windowOfLocalDate('2026-10-31', SHANGHAI, 'month')?.startText).toBe('2026-10-01T00:00:00+08:00');
    expect(windowOfLocalDate('2026-10-31', SHANGHAI, 'day')?.endText).toBe('2026-11-01T00:00:00+08:00');
  });

  it('refuses dates that do not exist', () => {
    expect(windowOfLocalDate('2026-02-30', SHANGHAI, 'day')).toBeUndefined();
    expect(windowOfLocalDate('20261001', SHANGHAI, 'day')).toBeUndefined();
  });
});

describe('offsets', () => {
  it('formats an instant in the zone offset', () => {
    expect(offsetMinutes(new Date('2026-10-05T00:00:00Z'), SHANGHAI)).toBe(480);
    expect(formatInZone(new Date('2026-10-05T00:00:00Z'), SHANGHAI)).toBe('2026-10-05T08:00:00+08:00');
    expect(formatInZone(new Date('2026-10-05T00:00:00Z'), 'America/New_York')).toBe('2026-10-04T20:00:00-04:00');
  });
});

describe('windowsEndedBetween', () => {
  const ended = (from: string, to: string) =>
    windowsEndedBetween(new Date(from), new Date(to), SHANGHAI).map((w) => `${w.grain} ${w.startText}`);

  it('gives each window that ended after the first instant and by the second once, day by day', () => {
    // Monday 30 November 12:00 to Thursday 3 December 12:00 (Shanghai): the days of 30 November,
    // 1 and 2 December and the month of November (ended 1 December 00:00) ended in between; the
    // week of 30 November ends on 7 December.
    expect(ended('2026-11-30T12:00:00+08:00', '2026-12-03T12:00:00+08:00')).toEqual([
      'day 2026-11-30T00:00:00+08:00',
      'month 2026-11-01T00:00:00+08:00',
      'day 2026-12-01T00:00:00+08:00',
      'day 2026-12-02T00:00:00+08:00',
    ]);
  });

  it('leaves out a window ending at the first instant and takes one ending at the second', () => {
    expect(ended('2026-12-01T00:00:00+08:00', '2026-12-01T00:00:00+08:00')).toEqual([]);
    // Sunday 29 November 23:00 to Monday 30 November 00:00: that day and the week of 23 November.
    expect(ended('2026-11-29T23:00:00+08:00', '2026-11-30T00:00:00+08:00')).toEqual([
      'day 2026-11-29T00:00:00+08:00',
      'week 2026-11-23T00:00:00+08:00',
    ]);
    expect(ended('2026-12-03T00:00:00+08:00', '2026-12-01T00:00:00+08:00')).toEqual([]);
  });
});
