import { todayIn } from './today';

describe('todayIn', () => {
  it("changes date at the zone's local midnight, not at UTC midnight", () => {
    // Asia/Shanghai is UTC+8 all year: 16:00 UTC is its midnight.
    expect(todayIn('Asia/Shanghai', new Date('2026-03-01T15:59:59Z'))).toBe('2026-03-01');
    expect(todayIn('Asia/Shanghai', new Date('2026-03-01T16:30:00Z'))).toBe('2026-03-02');
    expect(todayIn('UTC', new Date('2026-03-01T16:30:00Z'))).toBe('2026-03-01');
  });

  it('follows a zone west of UTC across its change to summer time', () => {
    // New York: UTC-5 until 2026-03-08 02:00 local, then UTC-4.
    expect(todayIn('America/New_York', new Date('2026-03-08T04:30:00Z'))).toBe('2026-03-07');
    expect(todayIn('America/New_York', new Date('2026-03-08T05:00:00Z'))).toBe('2026-03-08');
    expect(todayIn('America/New_York', new Date('2026-03-09T03:30:00Z'))).toBe('2026-03-08');
    expect(todayIn('America/New_York', new Date('2026-03-09T04:00:00Z'))).toBe('2026-03-09');
  });
});
