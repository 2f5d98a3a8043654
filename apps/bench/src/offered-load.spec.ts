import { offeredDueBy, SENDS_PER_SECOND } from './offered-load';

/** The filings each send carries over `seconds` at `rate` a second. */
function sends(rate: number, seconds: number): number[] {
  const sizes: number[] = [];
  for (let send = 0; send < seconds * SENDS_PER_SECOND; send += 1) {
    sizes.push(offeredDueBy(rate, send) - (send === 0 ? 0 : offeredDueBy(rate, send - 1)));
  }
  return sizes;
}

describe('offeredDueBy', () => {
  it.each([1, 5, 15, 2000, 2005, 9999])('sends exactly %i filings in every second', (rate) => {
    const sizes = sends(rate, 3);
    for (let second = 0; second < 3; second += 1) {
      const inSecond = sizes.slice(second * SENDS_PER_SECOND, (second + 1) * SENDS_PER_SECOND);
      expect(inSecond.reduce((a, b) => a + b, 0)).toBe(rate);
    }
  });

  it('spreads a rate below ten a second over the sends instead of rounding it to nothing', () => {
    expect(sends(5, 1)).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
  });

  it('sends a rate that divides by ten in equal slices', () => {
    expect(new Set(sends(2000, 2))).toEqual(new Set([200]));
  });
});
