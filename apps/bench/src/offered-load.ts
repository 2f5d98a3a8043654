/** How often the pipeline bench's latency phase sends: a slice of the offered filings and a probe each time. */
export const SENDS_PER_SECOND = 10;

/**
 * The offered filings due by the end of send `send` (from 0) at `rate` a second. Each send tops the
 * total up to this, so every second carries exactly `rate` filings however it divides by ten
 * (at 5 a second: 0, 1, 0, 1, …), and the rate reported is the rate sent.
 */
export function offeredDueBy(rate: number, send: number): number {
  return Math.floor((rate * (send + 1)) / SENDS_PER_SECOND);
}
