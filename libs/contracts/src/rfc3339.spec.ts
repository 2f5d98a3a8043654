import { parseRfc3339 } from './rfc3339';

const iso = (text: string) => parseRfc3339(text)?.toISOString();

describe('parseRfc3339', () => {
  it.each([
    ['2026-10-05T12:00:00Z', '2026-10-05T12:00:00.000Z'],
    ['2026-10-05t12:00:00z', '2026-10-05T12:00:00.000Z'],
    ['2026-10-05T20:30:15+08:00', '2026-10-05T12:30:15.000Z'],
    ['2026-10-05T00:30:15-05:45', '2026-10-05T06:15:15.000Z'],
    ['2026-01-01T07:59:59.5+08:00', '2025-12-31T23:59:59.500Z'],
    ['2026-03-01T00:00:00.123456789Z', '2026-03-01T00:00:00.123Z'],
    ['2026-03-01T00:00:00.09Z', '2026-03-01T00:00:00.090Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['2000-02-29T23:00:00-01:00', '2000-03-01T00:00:00.000Z'],
    ['1969-12-31T23:59:59.999Z', '1969-12-31T23:59:59.999Z'],
    ['0000-02-29T00:00:00Z', '0000-02-29T00:00:00.000Z'],
    ['0099-12-31T23:59:59Z', '0099-12-31T23:59:59.000Z'],
    ['9999-12-31T23:59:59+00:00', '9999-12-31T23:59:59.000Z'],
    ['2016-12-31T23:59:60Z', '2017-01-01T00:00:00.000Z'],
    ['2016-12-31T15:59:60-08:00', '2017-01-01T00:00:00.000Z'],
    ['2017-01-01T05:29:60.5+05:30', '2017-01-01T00:00:00.500Z'],
  ])('reads %s as %s', (text, expected) => {
    expect(iso(text)).toBe(expected);
  });

  it.each([
    '',
    '2026-10-05',
    '2026-10-05T12:00:00', // no offset
    '2026-10-05 12:00:00Z',
    '2026-10-05T12:00Z',
    '2026-10-05T12:00:00.Z',
    '2026-10-05T12:00:00.1234567890Z', // ten digits
    '2026-10-05T12:00:00+0800',
    '2026-10-05T12:00:00+08',
    '2026-10-05T12:00:00+24:00',
    '2026-10-05T12:00:00+23:60',
    '2026-10-05T12:00:00ZZ',
    '2026-10-05T12:00:00Z ',
    '2026-13-01T00:00:00Z',
    '2026-00-01T00:00:00Z',
    '2026-02-29T00:00:00Z',
    '2100-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-10-00T00:00:00Z',
    '2026-10-05T24:00:00Z',
    '2026-10-05T12:60:00Z',
    '2026-10-05T12:00:61Z',
    '2016-12-31T23:58:60Z', // a leap second only at 23:59 UTC
    '2026-10-05T12:00:60+08:00',
    '２026-10-05T12:00:00Z', // a full-width digit
    '+02026-10-05T12:00:00Z',
  ])('rejects %j', (text) => {
    expect(parseRfc3339(text)).toBeUndefined();
  });

  it("agrees with Date's own reading of every well-formed text", () => {
    // The reading it replaced: the pattern, the calendar checks, then `Date`'s parser. Times
    // spread over the years 1900–2099, with and without fractions and offsets.
    const pattern = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
    const pad = (n: number, width = 2) => String(n).padStart(width, '0');
    let seed = 42;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let compared = 0;
    for (let i = 0; i < 20_000; i += 1) {
      const fraction = ['', '.5', `.${pad(next(1000), 3)}`, `.${pad(next(1_000_000), 6)}7`][next(4)];
      const zone = ['Z', 'z', `+${pad(next(24))}:${pad(next(60))}`, `-${pad(next(24))}:${pad(next(60))}`][next(4)];
      const text =
        `${pad(1900 + next(200), 4)}-${pad(1 + next(12))}-${pad(1 + next(31))}` +
        `${next(2) ? 'T' : 't'}${pad(next(24))}:${pad(next(60))}:${pad(next(60))}${fraction}${zone}`;
      const [, year, month, day] = pattern.exec(text)!.map(Number);
      const valid = day! <= new Date(Date.UTC(year!, month!, 0)).getUTCDate();
      expect([text, iso(text)]).toEqual([text, valid ? new Date(text.toUpperCase()).toISOString() : undefined]);
      compared += 1;
    }
    expect(compared).toBe(20_000);
  });
});
