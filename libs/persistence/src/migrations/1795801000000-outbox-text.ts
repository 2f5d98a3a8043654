import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Pending entries are regrouped this many messages to an entry. */
const MESSAGES_AN_ENTRY = 1000;

/**
 * The outbox holds one entry per statement instead of one per message: the messages one save
 * changed, as they are sent — a line each, its key, a tab, then its JSON value. Writing, reading
 * and removing a row per message cost PostgreSQL about 8 µs a message and the publisher about 12
 * µs to read its columns back and build the message again (docs/benchmarks.md). The text is
 * stored out of line without compression (STORAGE EXTERNAL): it is written once and read once.
 *
 * Pending entries become messages here, built by PostgreSQL with the same fields in the same order
 * (its JSON differs only in how it writes some numbers, such as `1e-05` for `0.00001`); an entry
 * queued before entries carried their value takes it from the stored indicator or score, and one
 * whose row is gone is dropped, as the publisher did.
 */
export class OutboxText1795801000000 implements MigrationInterface {
  name = 'OutboxText1795801000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await setAside(queryRunner, 'outbox_entry');
    await queryRunner.query(`
      CREATE TABLE outbox (
        id bigserial NOT NULL,
        kind text NOT NULL,
        count integer NOT NULL,
        messages text NOT NULL,
        CONSTRAINT pk_outbox PRIMARY KEY (id),
        CONSTRAINT ck_outbox_kind CHECK (kind IN ('indicator', 'score')),
        CONSTRAINT ck_outbox_count CHECK (count > 0)
      )`);
    await queryRunner.query(`ALTER TABLE outbox ALTER COLUMN messages SET STORAGE EXTERNAL`);
    const utc = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    await queryRunner.query(`
      INSERT INTO outbox (kind, count, messages)
      SELECT kind, count(*), string_agg(line, E'\\n' ORDER BY id)
        FROM (
          SELECT o.id, o.kind, (row_number() OVER (PARTITION BY o.kind ORDER BY o.id) - 1) / ${MESSAGES_AN_ENTRY} AS chunk,
                 CASE
                   WHEN o.kind = 'indicator' THEN
                     o.port || '|' || o.kpi || '|' || o.grain || '|' || m.window_start || E'\\t' ||
                     (SELECT row_to_json(v) FROM (
                        SELECT o.port AS "port", m.measure AS "measure", o.kpi AS "kpi", o.grain AS "grain",
                               m.window_start AS "windowStart", m.window_end AS "windowEnd", m.value AS "value",
                               m.samples AS "samples", m.target AS "target", m.attainment AS "attainment",
                               m.scored AS "scored", m.catalogue_version AS "catalogueVersion",
                               ${utc('m.computed_at')} AS "computedAt") v)
                   WHEN m.measure = 0 THEN
                     o.port || '|index|' || o.grain || '|' || m.window_start || E'\\t' ||
                     (SELECT row_to_json(v) FROM (
                        SELECT 'port' AS "kind", o.port AS "port", m.coverage AS "coverage", o.grain AS "grain",
                               m.window_start AS "windowStart", m.window_end AS "windowEnd", m.score AS "score",
                               m.catalogue_version AS "catalogueVersion", ${utc('m.computed_at')} AS "computedAt") v)
                   ELSE
                     o.port || '|m' || m.measure || '|' || o.grain || '|' || m.window_start || E'\\t' ||
                     (SELECT row_to_json(v) FROM (
                        SELECT 'measure' AS "kind", o.port AS "port", m.measure AS "measure", o.grain AS "grain",
                               m.window_start AS "windowStart", m.window_end AS "windowEnd", m.score AS "score",
                               m.catalogue_version AS "catalogueVersion", ${utc('m.computed_at')} AS "computedAt") v)
                 END AS line
            FROM outbox_entry o
            LEFT JOIN indicator i
              ON o.computed_at IS NULL AND o.kind = 'indicator'
             AND (i.port, i.kpi, i.grain, i.window_start) = (o.port, o.kpi, o.grain, o.window_start)
            LEFT JOIN score s
              ON o.computed_at IS NULL AND o.kind = 'score'
             AND (s.port, s.measure, s.grain, s.window_start) = (o.port, o.measure, o.grain, o.window_start)
            CROSS JOIN LATERAL (
              SELECT coalesce(o.measure, i.measure, s.measure) AS measure,
                     coalesce(o.window_start_text, i.window_start_text, s.window_start_text) AS window_start,
                     coalesce(o.window_end_text, i.window_end_text, s.window_end_text) AS window_end,
                     coalesce(o.value, i.value) AS value, coalesce(o.samples, i.samples) AS samples,
                     coalesce(o.target, i.target) AS target, coalesce(o.attainment, i.attainment) AS attainment,
                     coalesce(o.scored, i.scored) AS scored, coalesce(o.score, s.score) AS score,
                     coalesce(o.coverage, s.coverage) AS coverage,
                     coalesce(o.catalogue_version, i.catalogue_version, s.catalogue_version) AS catalogue_version,
                     coalesce(o.computed_at, i.computed_at, s.computed_at) AS computed_at) m
           WHERE m.computed_at IS NOT NULL
        ) e
       GROUP BY kind, chunk
       ORDER BY min(id)`);
    await queryRunner.query(`DROP TABLE outbox_entry`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await setAside(queryRunner, 'outbox_text');
    await queryRunner.query(`
      CREATE TABLE outbox (
        id bigserial NOT NULL,
        kind text NOT NULL,
        port text NOT NULL,
        kpi text,
        measure smallint,
        grain text NOT NULL,
        window_start timestamptz NOT NULL,
        window_start_text text,
        window_end_text text,
        value float8,
        samples int,
        target float8,
        attainment float8,
        scored boolean,
        score float8,
        coverage float8,
        catalogue_version text,
        computed_at timestamptz,
        CONSTRAINT pk_outbox PRIMARY KEY (id),
        CONSTRAINT ck_outbox_kind CHECK (kind IN ('indicator', 'score'))
      )`);
    // Every message becomes an entry with its copy of the value, in the order they were queued.
    await queryRunner.query(`
      INSERT INTO outbox (kind, port, kpi, measure, grain, window_start, window_start_text, window_end_text, value,
                          samples, target, attainment, scored, score, coverage, catalogue_version, computed_at)
      SELECT t.kind, m->>'port', m->>'kpi',
             CASE WHEN m->>'kind' = 'port' THEN 0 ELSE (m->>'measure')::smallint END,
             m->>'grain', (m->>'windowStart')::timestamptz, m->>'windowStart', m->>'windowEnd',
             (m->>'value')::float8, (m->>'samples')::int, (m->>'target')::float8, (m->>'attainment')::float8,
             (m->>'scored')::boolean, (m->>'score')::float8, (m->>'coverage')::float8, m->>'catalogueVersion',
             (m->>'computedAt')::timestamptz
        FROM outbox_text t
        CROSS JOIN LATERAL regexp_split_to_table(t.messages, E'\\n') WITH ORDINALITY AS l(line, n)
        CROSS JOIN LATERAL (SELECT substr(l.line, strpos(l.line, E'\\t') + 1)::json AS m) j
       ORDER BY t.id, l.n`);
    await queryRunner.query(`DROP TABLE outbox_text`);
  }
}

/** Renames the outbox, its constraints and its sequence, so a new `outbox` can take their names. */
async function setAside(queryRunner: QueryRunner, name: string): Promise<void> {
  await queryRunner.query(`ALTER TABLE outbox RENAME TO ${name}`);
  await queryRunner.query(`ALTER TABLE ${name} RENAME CONSTRAINT pk_outbox TO pk_${name}`);
  await queryRunner.query(`ALTER TABLE ${name} RENAME CONSTRAINT ck_outbox_kind TO ck_${name}_kind`);
  await queryRunner.query(`ALTER SEQUENCE outbox_id_seq RENAME TO ${name}_id_seq`);
}
