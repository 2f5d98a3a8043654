/** What test/golden/reference.py wrote into test/golden/expected.json. */
export interface GoldenExpected {
  indicators: Record<string, { value: number | null; samples: number; scored: boolean; attainment: number | null }>;
  scores: Record<string, number | null>;
}

/** Equal values, or both null; numbers within a relative 1e-9. */
export function close(actual: number | null | undefined, expected: number | null | undefined): boolean {
  if (expected === null || expected === undefined || actual === null || actual === undefined) {
    return (actual ?? null) === (expected ?? null);
  }
  return Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
}

/** The latest JSON value per key of a compacted topic's records: what a subscriber ends up with. */
export function latestByKey<T>(records: Array<{ key: string | null; value: Buffer }>): Map<string, T> {
  const values = new Map<string, T>();
  for (const record of records) values.set(record.key ?? '', JSON.parse(record.value.toString('utf8')) as T);
  return values;
}

export interface StoredIndicator {
  value: number | null;
  samples: number;
  scored: boolean;
  attainment: number | null;
}

/** The indicator table by topic key (port|kpi|grain|windowStart), optionally only windows with samples. */
export async function storedIndicators(
  database: { query: (sql: string) => Promise<unknown> },
  withSamplesOnly = false,
): Promise<Map<string, StoredIndicator>> {
  const rows = (await database.query(
    `SELECT port || '|' || kpi || '|' || grain || '|' || window_start_text AS key, value, samples, scored, attainment
       FROM indicator${withSamplesOnly ? ' WHERE samples > 0' : ''}`,
  )) as Array<StoredIndicator & { key: string }>;
  return new Map(rows.map(({ key, ...indicator }) => [key, indicator]));
}
