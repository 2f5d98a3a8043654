import type { MeasureStatus, StatusLevel } from '@portscore/catalogue';
import type { DataSource } from 'typeorm';

/** The status reports (`sw.measure.status.v1`) stored for each of the ports, every one of them. */
export async function statusReports(
  database: Pick<DataSource, 'query'>,
  ports: string[],
): Promise<Map<string, MeasureStatus[]>> {
  const result = new Map<string, MeasureStatus[]>(ports.map((port) => [port, []]));
  if (ports.length === 0) return result;
  const rows = (await database.query(
    `SELECT port, at, attrs, event_key FROM case_milestone
      WHERE case_type = 'measure_status' AND port = ANY($1::text[])`,
    [ports],
  )) as Array<{ port: string; at: Date; attrs: { measure: number; level: StatusLevel }; event_key: string }>;
  for (const row of rows) {
    const status = { measure: Number(row.attrs.measure), level: row.attrs.level, at: row.at, eventKey: row.event_key };
    result.get(row.port)?.push(status);
  }
  return result;
}
