import { formatInZone } from '@portscore/catalogue';

/**
 * The calendar date (YYYY-MM-DD) it is in the time zone at `now`: the default `date` of the
 * endpoints, whose windows are a port's local days, weeks and months.
 */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return formatInZone(now, timeZone).slice(0, 10);
}
