import { eventKey } from '@portscore/contracts';
import type { DataSource } from 'typeorm';

export interface FilingReceipt {
  source: string;
  id: string;
  digest: string;
  port: string;
}

/** Remembers which (source, id) pairs the gateway has forwarded, with a digest of their content. */
export interface FilingReceiptStore {
  /** Digests already recorded for the given keys (absent keys are new). */
  digests(keys: Array<Pick<FilingReceipt, 'source' | 'id'>>): Promise<Map<string, string>>;
  /** Records forwarded filings; a pair recorded already keeps its first digest. */
  record(receipts: FilingReceipt[]): Promise<void>;
}

export class PgFilingReceiptStore implements FilingReceiptStore {
  constructor(private readonly dataSource: DataSource) {}

  async digests(keys: Array<Pick<FilingReceipt, 'source' | 'id'>>): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    const rows: Array<{ source: string; id: string; digest: string }> = await this.dataSource.query(
      `SELECT r.source, r.id, r.digest
         FROM filing_receipt r
         JOIN unnest($1::text[], $2::text[]) AS k(source, id) ON r.source = k.source AND r.id = k.id`,
      [keys.map((k) => k.source), keys.map((k) => k.id)],
    );
    return new Map(rows.map((row) => [eventKey(row), row.digest]));
  }

  async record(receipts: FilingReceipt[]): Promise<void> {
    if (receipts.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO filing_receipt (source, id, digest, port)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
       ON CONFLICT (source, id) DO NOTHING`,
      [receipts.map((r) => r.source), receipts.map((r) => r.id), receipts.map((r) => r.digest), receipts.map((r) => r.port)],
    );
  }
}
