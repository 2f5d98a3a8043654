/** What is kept of a dead letter for browsing; the original bytes are on the dead-letter topic. */
export interface DeadLetterRecord {
  reason: string;
  detail: string;
  origin: string;
  port: string | null;
  source: string | null;
  eventId: string | null;
  contentType: string | null;
  size: number;
  /** The first 2,000 characters of the body. */
  preview: string;
}

/** A data source, an entity manager or a query runner: whatever runs the statement. */
interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** Lists dead letters for the API, in one statement (inside the caller's transaction, if any). */
export async function insertDeadLetters(db: Queryable, deadLetters: DeadLetterRecord[]): Promise<void> {
  if (deadLetters.length === 0) return;
  // Dead letters may hold any bytes; PostgreSQL text holds no NUL.
  const clean = (text: string | null) => (text === null ? null : text.replace(/\u0000/g, '\uFFFD'));
  const letters = deadLetters.map((l) => ({
    ...l,
    detail: clean(l.detail)!,
    origin: clean(l.origin)!,
    port: clean(l.port),
    source: clean(l.source),
    eventId: clean(l.eventId),
    contentType: clean(l.contentType),
    preview: clean(l.preview)!,
  }));
  await db.query(
    `INSERT INTO dead_letter (reason, detail, origin, port, source, event_id, content_type, size, preview)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::text[])`,
    [
      letters.map((l) => l.reason),
      letters.map((l) => l.detail),
      letters.map((l) => l.origin),
      letters.map((l) => l.port),
      letters.map((l) => l.source),
      letters.map((l) => l.eventId),
      letters.map((l) => l.contentType),
      letters.map((l) => l.size),
      letters.map((l) => l.preview),
    ],
  );
}
