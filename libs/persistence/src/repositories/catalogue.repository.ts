import type { Catalogue } from '@portscore/catalogue';
import type { DataSource } from 'typeorm';

/** Catalogue versions; the most recently activated one is in force. */
export interface CatalogueStore {
  active(): Promise<Catalogue | undefined>;
  /** Makes a new version the one in force; refuses to reuse a version name with other content. */
  activate(catalogue: Catalogue): Promise<'activated' | 'already_active'>;
  versions(): Promise<Array<{ version: string; activatedAt: Date }>>;
}

export class PgCatalogueStore implements CatalogueStore {
  constructor(private readonly dataSource: DataSource) {}

  async active(): Promise<Catalogue | undefined> {
    const rows: Array<{ data: Catalogue }> = await this.dataSource.query(
      `SELECT data FROM catalogue_version ORDER BY activated_at DESC, version DESC LIMIT 1`,
    );
    return rows[0]?.data;
  }

  async activate(catalogue: Catalogue): Promise<'activated' | 'already_active'> {
    const rows: Array<{ data: Catalogue }> = await this.dataSource.query(
      `SELECT data FROM catalogue_version WHERE version = $1`,
      [catalogue.version],
    );
    if (rows[0]) {
      // jsonb keeps its own key order: compare content, not text.
      if (canonical(rows[0].data) !== canonical(catalogue)) {
        throw new Error(
          `catalogue version ${catalogue.version} exists with other content: give the new catalogue a new version`,
        );
      }
      const active = await this.active();
      if (active?.version === catalogue.version) return 'already_active';
      await this.dataSource.query(`UPDATE catalogue_version SET activated_at = clock_timestamp() WHERE version = $1`, [
        catalogue.version,
      ]);
      return 'activated';
    }
    // Services starting together may all seed the same version: the first one wins.
    await this.dataSource.query(
      `INSERT INTO catalogue_version (version, data, activated_at) VALUES ($1, $2, clock_timestamp())
       ON CONFLICT (version) DO NOTHING`,
      [catalogue.version, JSON.stringify(catalogue)],
    );
    return 'activated';
  }

  async versions(): Promise<Array<{ version: string; activatedAt: Date }>> {
    const rows: Array<{ version: string; activated_at: Date }> = await this.dataSource.query(
      `SELECT version, activated_at FROM catalogue_version ORDER BY activated_at`,
    );
    return rows.map((row) => ({ version: row.version, activatedAt: row.activated_at }));
  }
}

/** JSON text with object keys sorted at every level, so equal content gives equal text. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(
          Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : item,
  );
}
