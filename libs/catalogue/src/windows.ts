/** Calendar windows (day, ISO week, month) in a port's time zone, end exclusive. */

export const GRAINS = ['day', 'week', 'month'] as const;
export type Grain = (typeof GRAINS)[number];

export function isGrain(value: unknown): value is Grain {
  return typeof value === 'string' && (GRAINS as readonly string[]).includes(value);
}

export interface TimeWindow {
  grain: Grain;
  start: Date;
  end: Date;
  /** RFC 3339 in the port's offset, e.g. 2026-03-01T00:00:00+08:00 */
  startText: string;
  endText: string;
}

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/**
 * Offsets by zone and quarter hour. Every offset in use today is a multiple of 15 minutes and
 * changes at a whole local hour or half hour, so it is constant within a UTC quarter hour; asking
 * Intl is slow (it dominated scoring time), remembering is not.
 */
const QUARTER_HOUR = 900_000;
const offsetCache = new Map<string, number>();

/** Offset of the zone from UTC at an instant, in minutes (east positive). */
export function offsetMinutes(instant: Date, timeZone: string): number {
  const key = `${timeZone}|${Math.floor(instant.getTime() / QUARTER_HOUR)}`;
  let offset = offsetCache.get(key);
  if (offset === undefined) {
    if (offsetCache.size >= 200_000) offsetCache.clear();
    offset = offsetFromIntl(instant, timeZone);
    offsetCache.set(key, offset);
  }
  return offset;
}

function offsetFromIntl(instant: Date, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  const wholeSeconds = Math.floor(instant.getTime() / 1000) * 1000;
  return Math.round((asUtc - wholeSeconds) / 60000);
}

function localDate(instant: Date, timeZone: string): LocalDate {
  const shifted = new Date(instant.getTime() + offsetMinutes(instant, timeZone) * 60000);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** The instant of local midnight starting the given local date. */
function startOfLocalDate(date: LocalDate, timeZone: string): Date {
  const wallClock = Date.UTC(date.year, date.month - 1, date.day);
  let guess = wallClock - offsetMinutes(new Date(wallClock), timeZone) * 60000;
  // A second pass settles dates where the offset changes between the guess and the answer.
  guess = wallClock - offsetMinutes(new Date(guess), timeZone) * 60000;
  return new Date(guess);
}

function addDays(date: LocalDate, days: number): LocalDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

function firstLocalDate(date: LocalDate, grain: Grain): LocalDate {
  switch (grain) {
    case 'day':
      return date;
    case 'week': {
      const isoWeekday = (new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7;
      return addDays(date, -isoWeekday);
    }
    case 'month':
      return { year: date.year, month: date.month, day: 1 };
  }
}

function nextLocalDate(first: LocalDate, grain: Grain): LocalDate {
  switch (grain) {
    case 'day':
      return addDays(first, 1);
    case 'week':
      return addDays(first, 7);
    case 'month':
      return first.month === 12 ? { year: first.year + 1, month: 1, day: 1 } : { ...first, month: first.month + 1 };
  }
}

/** RFC 3339 text of an instant in the zone's offset, seconds precision. */
export function formatInZone(instant: Date, timeZone: string): string {
  const offset = offsetMinutes(instant, timeZone);
  const shifted = new Date(instant.getTime() + offset * 60000).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${shifted}${sign}${hh}:${mm}`;
}

/**
 * Windows by zone, grain and local date: every case of a day shares its day's windows, and
 * working them out (offsets, midnights, texts) is most of the scorer's arithmetic.
 */
const windowCache = new Map<string, TimeWindow>();

/** The window of a grain containing the instant, worked out (offsets, midnights, texts). */
function computeWindowOf(instant: Date, timeZone: string, grain: Grain): TimeWindow {
  const date = localDate(instant, timeZone);
  const key = `${timeZone}|${grain}|${date.year * 10_000 + date.month * 100 + date.day}`;
  let window = windowCache.get(key);
  if (!window) {
    if (windowCache.size >= 100_000) windowCache.clear();
    const first = firstLocalDate(date, grain);
    const start = startOfLocalDate(first, timeZone);
    const end = startOfLocalDate(nextLocalDate(first, grain), timeZone);
    window = Object.freeze({
      grain,
      start,
      end,
      startText: formatInZone(start, timeZone),
      endText: formatInZone(end, timeZone),
    });
    windowCache.set(key, window);
  }
  return window;
}

/**
 * The day, week and month windows by zone and UTC quarter hour. Offsets are whole quarter hours
 * (see offsetMinutes), so local midnight falls on a UTC quarter hour and every instant of one
 * has the same windows. The scorer asks for them for every sample of every changed case; found
 * by a number, they cost no text key and no date arithmetic.
 */
const quarterWindows = new Map<string, Map<number, readonly TimeWindow[]>>();
let quarterWindowCount = 0;

/** The windows of every grain (in GRAINS order) containing the instant. Shared: do not modify. */
export function windowsAt(instant: Date, timeZone: string): readonly TimeWindow[] {
  const quarter = Math.floor(instant.getTime() / QUARTER_HOUR);
  let byQuarter = quarterWindows.get(timeZone);
  let windows = byQuarter?.get(quarter);
  if (windows) return windows;
  if (quarterWindowCount >= 200_000) {
    quarterWindows.clear();
    quarterWindowCount = 0;
    byQuarter = undefined;
  }
  if (!byQuarter) {
    byQuarter = new Map();
    quarterWindows.set(timeZone, byQuarter);
  }
  windows = Object.freeze(GRAINS.map((grain) => computeWindowOf(instant, timeZone, grain)));
  byQuarter.set(quarter, windows);
  quarterWindowCount += 1;
  return windows;
}

/** The window of a grain containing the instant. The result is shared: do not modify it. */
export function windowOf(instant: Date, timeZone: string, grain: Grain): TimeWindow {
  return windowsAt(instant, timeZone)[GRAINS.indexOf(grain)]!;
}

/** The window of a grain containing a local calendar date (YYYY-MM-DD) of the zone. */
export function windowOfLocalDate(dateText: string, timeZone: string, grain: Grain): TimeWindow | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateText);
  if (!match) return undefined;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  const check = new Date(Date.UTC(date.year, date.month - 1, date.day));
  if (check.getUTCMonth() !== date.month - 1 || check.getUTCDate() !== date.day) return undefined;
  // Local noon is inside the date whatever the offset.
  return windowOf(new Date(startOfLocalDate(date, timeZone).getTime() + 12 * 3_600_000), timeZone, grain);
}

/**
 * The day, week and month windows that ended after `from` and by `to` (both instants), each once,
 * day by day in order of the days they hold: what a report of `from` counts for among the
 * windows ended by `to`, or what ended between two looks at a port.
 */
export function windowsEndedBetween(from: Date, to: Date, timeZone: string): TimeWindow[] {
  const windows: TimeWindow[] = [];
  const seen = new Set<string>();
  // Every window ending after `from` holds a day from the one holding `from` on.
  for (let day = windowOf(from, timeZone, 'day'); day.end <= to; day = windowOf(day.end, timeZone, 'day')) {
    for (const window of windowsAt(day.start, timeZone)) {
      const key = `${window.grain} ${window.start.getTime()}`;
      if (window.end > from && window.end <= to && !seen.has(key)) {
        seen.add(key);
        windows.push(window);
      }
    }
  }
  return windows;
}
