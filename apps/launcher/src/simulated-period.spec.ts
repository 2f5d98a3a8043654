import { simulatedPeriod } from './simulated-period';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('simulatedPeriod', () => {
  it('ends today (UTC), as simulate does without --end', () => {
    expect(simulatedPeriod(new Date('2026-06-20T23:59:59Z'), 30)).toEqual({
      end: '2026-06-20',
      days: 30,
      middle: '2026-06-05',
    });
  });

  it('on the 1st of a month picks a day of the month before, which the period covers', () => {
    expect(simulatedPeriod(new Date('2026-07-01T00:00:01Z'), 30).middle).toBe('2026-06-16');
    expect(simulatedPeriod(new Date('2027-01-01T06:00:00Z'), 30).middle).toBe('2026-12-17');
    expect(simulatedPeriod(new Date('2028-03-01T12:00:00Z'), 30).middle).toBe('2028-02-15');
  });

  it.each([30, 7, 1])('over %i days: the month around the middle day holds at least half of them', (days) => {
    for (let now = Date.parse('2026-01-01T12:00:00Z'); now < Date.parse('2029-01-01T00:00:00Z'); now += DAY_MS) {
      const period = simulatedPeriod(new Date(now), days);
      const month = period.middle.slice(0, 7);
      const end = Date.parse(period.end);
      let inMonth = 0;
      for (let day = end - days * DAY_MS; day < end; day += DAY_MS) {
        if (new Date(day).toISOString().startsWith(month)) inMonth += 1;
      }
      expect(inMonth).toBeGreaterThanOrEqual(days / 2);
    }
  });
});
