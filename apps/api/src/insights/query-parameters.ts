import { type Grain, isGrain } from '@portscore/catalogue';

import { ApiErrorCode, ApiException } from '../api.exception';

export function grainOf(text: string | undefined, fallback: Grain): Grain {
  const grain = text ?? fallback;
  if (!isGrain(grain)) throw new ApiException(ApiErrorCode.InvalidQuery, 'grain: must be day, week or month');
  return grain;
}

/** A calendar date YYYY-MM-DD as the UTC midnight starting it. */
export function dateOf(name: string, text: string | undefined, fallback: Date): Date {
  if (text === undefined) return fallback;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
  if (!date || date.toISOString().slice(0, 10) !== text) {
    throw new ApiException(ApiErrorCode.InvalidQuery, `${name}: ${text} is not a calendar date YYYY-MM-DD`);
  }
  return date;
}

export function boundedInteger(
  name: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ApiException(ApiErrorCode.InvalidQuery, `${name}: must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/** CSV with a header row; values quoted when they hold separators, quotes or line breaks. */
export function toCsv(columns: string[], rows: Array<Record<string, unknown>>): string {
  const cell = (value: unknown) => {
    const text = value === null || value === undefined ? '' : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns.join(','), ...rows.map((row) => columns.map((c) => cell(row[c])).join(','))].join('\n') + '\n';
}
