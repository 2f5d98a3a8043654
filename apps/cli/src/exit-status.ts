import { CONFIGURATION_EXIT_STATUS } from '@portscore/config';

/** Exit statuses of every command (from sysexits.h where one fits), listed in `portscore --help`. */
export enum ExitStatus {
  Ok = 0,
  /** validate, publish --http: at least one filing was rejected. */
  Rejected = 1,
  Usage = 2,
  /** A FILE (or the headers file beside it) cannot be read. */
  NoInput = 66,
  /** The command failed for a reason its message names (a broker or database out of reach, …). */
  Failed = 70,
  /** publish: filings were not delivered; publishing them again is safe. */
  NotDelivered = 75,
  /** An environment variable, SEEDS_DIR or a seeds file is wrong. */
  Configuration = CONFIGURATION_EXIT_STATUS,
}

export const EXIT_STATUS_HELP = `Exit status: 0 done; 1 a filing was rejected (validate, publish --http); 2 usage error;
66 a FILE cannot be read; 70 the command failed (the message says why); 75 filings not delivered
(publish: publishing them again is safe); 78 configuration problem (environment, SEEDS_DIR, seeds).`;
