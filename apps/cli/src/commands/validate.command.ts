import { loadPorts, type PortscoreConfig } from '@portscore/config';
import { FilingRejectedException, FilingValidator } from '@portscore/contracts';

import type { FileFiling } from '../filing-files';

/**
 * Offline validation with the gateway's rules and reason codes (checks that need the gateway's
 * memory, such as duplicates and conflicts, are not made). Exit status 1 when any is rejected.
 */
export function validateCommand(config: PortscoreConfig, filings: FileFiling[], json: boolean): number {
  const validator = new FilingValidator({
    ports: loadPorts(config.seedsDir),
    maxBytes: config.maxFilingBytes,
    maxFutureMs: config.maxFutureMinutes * 60_000,
  });
  let rejected = 0;
  for (const filing of filings) {
    try {
      const event = validator.validate({ value: filing.value, headers: filing.headers });
      if (json) console.log(JSON.stringify({ where: filing.where, status: 'valid', type: event.type, id: event.id }));
    } catch (error) {
      if (!(error instanceof FilingRejectedException)) throw error;
      rejected += 1;
      console.log(
        json
          ? JSON.stringify({ where: filing.where, status: 'rejected', reason: error.code, detail: error.detail })
          : `${filing.where}: ${error.code}: ${error.detail}`,
      );
    }
  }
  console.error(`${filings.length} filings: ${filings.length - rejected} valid, ${rejected} rejected`);
  return rejected === 0 ? 0 : 1;
}
