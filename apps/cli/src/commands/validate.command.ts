import { loadPorts, type PortscoreConfig } from '@portscore/config';
import { FilingRejectCode, FilingRejectedException, FilingValidator } from '@portscore/contracts';

import { ExitStatus } from '../exit-status';
import { FILE_FORMATS, type FileFiling } from '../filing-files';

export const VALIDATE_HELP = `Usage: portscore validate FILE… [--json] [--header name=value …]

Checks filings offline with the gateway's rules and reason codes, against the ports of
SEEDS_DIR/ports.json (checks that need the gateway's memory, duplicates and conflicts, are not
made). Prints FILE:LINE: reason: detail for each rejected filing, or with --json one JSON object
per filing, valid or rejected; the counts go to stderr.

${FILE_FORMATS}

Exit status: 0 every filing is valid; 1 at least one was rejected; 2 usage error; 66 a FILE
cannot be read; 78 configuration problem (an environment variable, SEEDS_DIR or seeds/ports.json).`;

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
    } catch (thrown) {
      // As in the gateway: an unexpected error is this filing's problem, reported with its reason.
      const error =
        thrown instanceof FilingRejectedException
          ? thrown
          : new FilingRejectedException(
              FilingRejectCode.ProcessingError,
              `unexpected error: ${(thrown as Error).message}`,
            );
      rejected += 1;
      console.log(
        json
          ? JSON.stringify({ where: filing.where, status: 'rejected', reason: error.code, detail: error.detail })
          : `${filing.where}: ${error.code}: ${error.detail}`,
      );
    }
  }
  console.error(`${filings.length} filings: ${filings.length - rejected} valid, ${rejected} rejected`);
  return rejected === 0 ? ExitStatus.Ok : ExitStatus.Rejected;
}
