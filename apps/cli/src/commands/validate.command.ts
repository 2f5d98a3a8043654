import { loadPorts, type PortscoreConfig } from '@portscore/config';
import { FilingRejectedException, FilingValidator } from '@portscore/contracts';

import { readFilingFiles } from '../filing-files';

/** Offline validation with the gateway's rules; exit status 1 when any filing is rejected. */
export function validateCommand(config: PortscoreConfig, files: string[]): number {
  const validator = new FilingValidator({
    ports: loadPorts(config.seedsDir),
    maxBytes: config.maxFilingBytes,
    maxFutureMs: config.maxFutureMinutes * 60_000,
  });
  let rejected = 0;
  const filings = readFilingFiles(files);
  for (const filing of filings) {
    try {
      validator.validate({ value: filing.value, headers: { 'content-type': 'application/cloudevents+json' } });
    } catch (error) {
      if (!(error instanceof FilingRejectedException)) throw error;
      rejected += 1;
      console.log(`${filing.file}:${filing.line}: ${error.code}: ${error.detail}`);
    }
  }
  console.log(`${filings.length} filings: ${filings.length - rejected} valid, ${rejected} rejected`);
  return rejected === 0 ? 0 : 1;
}
