import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { hostileCorpus } from '../../../test/support/hostile-corpus';
import { FilingRejectedException } from './filing-rejection.exception';
import { FilingValidator } from './filing-validator';
import { type Port, PortRegistry } from './port-registry';

const root = join(__dirname, '..', '..', '..');
const ports = new PortRegistry(
  (JSON.parse(readFileSync(join(root, 'seeds/ports.json'), 'utf8')) as { ports: Port[] }).ports,
);
const validator = new FilingValidator({ ports, maxBytes: 1024 * 1024, maxFutureMs: 5 * 60_000 });

describe('hostile corpus against the validator', () => {
  const corpus = hostileCorpus();

  it('has at least 200 filings', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(200);
  });

  it.each(corpus.map((c) => [c.name, c] as const))('%s', (_name, filing) => {
    const headers = Object.fromEntries(Object.entries(filing.message.headers ?? {}).map(([k, v]) => [k, String(v)]));
    let outcome: string;
    try {
      validator.validate({
        value: Buffer.isBuffer(filing.message.value) ? filing.message.value : Buffer.from(filing.message.value ?? ''),
        headers,
      });
      outcome = 'accepted';
    } catch (error) {
      if (!(error instanceof FilingRejectedException)) throw error;
      outcome = error.code;
    }
    expect(outcome).toBe(filing.expect === 'duplicate' ? 'accepted' : filing.expect);
  });
});
