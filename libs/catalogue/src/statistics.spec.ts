import { percentileCont } from './statistics';

describe('percentileCont', () => {
  it('interpolates between closest ranks like PostgreSQL percentile_cont', () => {
    // ranks 0..5; 0.9 × 5 = 4.5 → halfway between 12 and 30
    expect(percentileCont([30, 0.5, 12, 1, 0.75, 1 / 3], 0.9)).toBeCloseTo(21, 10);
    // median of four: halfway between 2 and 3
    expect(percentileCont([4, 1, 3, 2], 0.5)).toBe(2.5);
  });

  it('returns the only value for one sample and null for none', () => {
    expect(percentileCont([7], 0.9)).toBe(7);
    expect(percentileCont([], 0.5)).toBeNull();
  });
});
