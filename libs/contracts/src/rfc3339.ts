import { ValidateBy, type ValidationOptions } from 'class-validator';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses RFC 3339 with a mandatory offset; returns undefined for anything else. */
export function parseRfc3339(text: string): Date | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const daysInMonth = new Date(Date.UTC(y!, mo!, 0)).getUTCDate();
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > daysInMonth || h! > 23 || mi! > 59 || s! > 60) return undefined;
  if (s === 60) return leapSecond(text);
  const date = new Date(text.toUpperCase());
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * A leap second, `:60`, is valid at 23:59 UTC (where the published schema's date-time format
 * also takes it) and is read as the instant after 23:59:59, the next 00:00:00 UTC, as POSIX time
 * and PostgreSQL read it: deterministic, though it shares that instant with the second after it.
 */
function leapSecond(text: string): Date | undefined {
  // The seconds are characters 17–18 of the pattern above.
  const before = new Date(`${text.slice(0, 17)}59${text.slice(19)}`.toUpperCase());
  if (Number.isNaN(before.getTime()) || before.getUTCHours() !== 23 || before.getUTCMinutes() !== 59) return undefined;
  return new Date(before.getTime() + 1000);
}

/** class-validator rule: an RFC 3339 date-time with offset. */
export function IsRfc3339(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isRfc3339',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && parseRfc3339(value) !== undefined,
        defaultMessage: () => '$property must be an RFC 3339 date-time with offset',
      },
    },
    options,
  );
}
