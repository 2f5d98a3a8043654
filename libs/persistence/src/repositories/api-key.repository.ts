import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

import type { DataSource } from 'typeorm';

export interface ApiKeyRecord {
  id: string;
  role: string;
  label: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** API keys `psk_<id>_<secret>`: the id finds the row, the secret is checked against its hash. */
export interface ApiKeyStore {
  create(role: string, label: string): Promise<{ key: string; record: ApiKeyRecord }>;
  /** The live key's record, or undefined for an unknown, malformed or revoked key. */
  verify(key: string): Promise<ApiKeyRecord | undefined>;
  revoke(id: string): Promise<boolean>;
  list(): Promise<ApiKeyRecord[]>;
}

const KEY = /^psk_([a-f0-9]{12})_([A-Za-z0-9_-]{32,64})$/;

function hash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

interface Row {
  id: string;
  secret_hash: string;
  role: string;
  label: string;
  created_at: Date;
  revoked_at: Date | null;
}

function toRecord(row: Row): ApiKeyRecord {
  return { id: row.id, role: row.role, label: row.label, createdAt: row.created_at, revokedAt: row.revoked_at };
}

export class PgApiKeyStore implements ApiKeyStore {
  constructor(private readonly dataSource: DataSource) {}

  async create(role: string, label: string): Promise<{ key: string; record: ApiKeyRecord }> {
    const id = randomBytes(6).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const rows: Row[] = await this.dataSource.query(
      `INSERT INTO api_key (id, secret_hash, role, label) VALUES ($1, $2, $3, $4) RETURNING *`,
      [id, hash(secret), role, label],
    );
    return { key: `psk_${id}_${secret}`, record: toRecord(rows[0]!) };
  }

  async verify(key: string): Promise<ApiKeyRecord | undefined> {
    const match = KEY.exec(key);
    if (!match) return undefined;
    const rows: Row[] = await this.dataSource.query(`SELECT * FROM api_key WHERE id = $1 AND revoked_at IS NULL`, [
      match[1],
    ]);
    const row = rows[0];
    if (!row) return undefined;
    const expected = Buffer.from(row.secret_hash, 'hex');
    const actual = Buffer.from(hash(match[2]!), 'hex');
    return timingSafeEqual(expected, actual) ? toRecord(row) : undefined;
  }

  async revoke(id: string): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, affected count].
    const [, affected] = (await this.dataSource.query(
      `UPDATE api_key SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`,
      [id],
    )) as [unknown[], number];
    return affected > 0;
  }

  async list(): Promise<ApiKeyRecord[]> {
    const rows: Row[] = await this.dataSource.query(`SELECT * FROM api_key ORDER BY created_at`);
    return rows.map(toRecord);
  }
}
