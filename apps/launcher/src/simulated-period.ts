const DAY_MS = 24 * 60 * 60 * 1000;

/** What `portscore simulate --days D --end E` publishes: filings of the D days before E, 00:00 UTC. */
export interface SimulatedPeriod {
  /** --end, YYYY-MM-DD (exclusive). */
  end: string;
  days: number;
  /**
   * The middle day of the period: the month around it holds at least half of the simulated days,
   * even on the 1st of a month, when the month of `end` holds none.
   */
  middle: string;
}

/** The period ending today (UTC) at `now`, the same one `simulate` would choose without --end. */
export function simulatedPeriod(now: Date, days: number): SimulatedPeriod {
  const end = Date.parse(now.toISOString().slice(0, 10));
  return {
    end: isoDate(end),
    days,
    middle: isoDate(end - Math.ceil(days / 2) * DAY_MS),
  };
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
