import { progressReporter } from './progress';

describe('progressReporter', () => {
  it('says how far the count has got and how fast it moved since the line before', () => {
    let now = 5_000;
    const line = progressReporter('gateway: filings handled', 1_000_000, 0, () => now);
    expect(line(40_000)).toBe('gateway: filings handled: 40,000/1,000,000, 8,000/s over the last 5 s');
    now = 15_000;
    expect(line(140_000)).toBe('gateway: filings handled: 140,000/1,000,000, 10,000/s over the last 10 s');
    now = 25_000;
    expect(line(140_000)).toBe('gateway: filings handled: 140,000/1,000,000, 0/s over the last 10 s');
  });
});
