import type { PortscoreConfig } from '@portscore/config';
import { FilingRejectCode, REJECT_REASONS } from '@portscore/contracts';
import type { IncomingMessage } from '@portscore/messaging';
import { kafkaBusFor } from '@portscore/runtime';

import { option, UsageError, wholeNumberOption } from '../arguments';
import { ExitStatus } from '../exit-status';

export const DLQ_HELP = `Usage: portscore dlq [list|redrive] [options]
  dlq list [--reason CODE] [--limit N]     counts by reason, then the N most recent dead letters,
                                           newest first (default 20; 0 for the counts only):
                                           partition/offset, time, reason, origin, detail
  dlq redrive --reason CODE [--dry-run]    publish the dead letters with that reason again to the
                                           filings topic, bytes and headers as first received
                                           (after a fix: a new port, a corrected catalogue, …);
                                           filings accepted before count as duplicates;
                                           scoring_failed events go to the events topic instead,
                                           to be scored again
Reason codes:
${Object.entries(REJECT_REASONS)
  .map(([code, meaning]) => `  ${code.padEnd(24)} ${meaning}`)
  .join('\n')}`;

const ADDED_HEADERS = ['x-reject-reason', 'x-reject-detail', 'x-origin'];
const REASON_CODES: readonly string[] = Object.values(FilingRejectCode);

export type DlqRequest =
  { action: 'list'; reason?: string; limit: number } | { action: 'redrive'; reason: string; dryRun: boolean };

/** Reads the command line of `dlq`; a wrong one is a usage error, before anything is read. */
export function dlqRequest(args: string[]): DlqRequest {
  const action = args[0] && !args[0].startsWith('-') ? args[0] : 'list';
  const reason = option(args, '--reason');
  if (reason !== undefined && !REASON_CODES.includes(reason)) {
    throw new UsageError(`--reason ${reason} is not a reject reason; one of: ${REASON_CODES.join(', ')}`);
  }
  switch (action) {
    case 'list':
      return { action, ...(reason ? { reason } : {}), limit: wholeNumberOption(args, '--limit') ?? 20 };
    case 'redrive':
      if (!reason) throw new UsageError('redrive needs --reason CODE');
      return { action, reason, dryRun: args.includes('--dry-run') };
    default:
      throw new UsageError(`unknown action ${action}: list or redrive`);
  }
}

export async function dlqCommand(config: PortscoreConfig, request: DlqRequest): Promise<number> {
  const { reason } = request;
  const bus = kafkaBusFor(config, 'cli');
  try {
    process.stderr.write(`reading ${config.topics.deadLetters} …\n`);
    const letters = (await bus.readToEnd(config.topics.deadLetters)).filter(
      (m) => !reason || m.headers['x-reject-reason'] === reason,
    );
    if (request.action === 'list') {
      const byReason = new Map<string, number>();
      for (const letter of letters) {
        const code = letter.headers['x-reject-reason'] ?? '(none)';
        byReason.set(code, (byReason.get(code) ?? 0) + 1);
      }
      console.log(`${letters.length} dead letters${reason ? ` with reason ${reason}` : ''}`);
      for (const [code, count] of [...byReason].sort((a, b) => b[1] - a[1]))
        console.log(`  ${String(count).padStart(8)}  ${code}`);
      for (const letter of newestFirst(letters).slice(0, request.limit)) {
        console.log(
          [
            `${letter.partition}/${letter.offset}`,
            isoTime(letter.timestamp),
            letter.headers['x-reject-reason'],
            letter.headers['x-origin'] ?? '',
            letter.headers['x-reject-detail'] ?? '',
          ].join('\t'),
        );
      }
      return ExitStatus.Ok;
    }
    const topic = redriveTopic(config, request.reason);
    if (request.dryRun) {
      console.log(`would re-drive ${letters.length} dead letters with reason ${reason} to ${topic}`);
      return ExitStatus.Ok;
    }
    for (let start = 0; start < letters.length; start += 500) {
      await bus.publish(topic, letters.slice(start, start + 500).map(original));
      process.stderr.write(`\rre-driven ${Math.min(start + 500, letters.length)}/${letters.length}`);
    }
    process.stderr.write('\n');
    console.log(`re-drove ${letters.length} dead letters with reason ${reason} to ${topic}`);
    return ExitStatus.Ok;
  } finally {
    await bus.disconnect();
  }
}

/** Where dead letters of a reason go back to: events the scorer failed on were accepted already. */
export function redriveTopic(config: Pick<PortscoreConfig, 'topics'>, reason: string): string {
  return reason === FilingRejectCode.ScoringFailed ? config.topics.events : config.topics.filings;
}

/** By the time each was dead-lettered, newest first (partitions interleave when read). */
export function newestFirst(letters: IncomingMessage[]): IncomingMessage[] {
  return [...letters].sort(
    (a, b) =>
      Number(b.timestamp) - Number(a.timestamp) ||
      b.partition - a.partition ||
      Number(BigInt(b.offset) - BigInt(a.offset)),
  );
}

function isoTime(timestamp: string): string {
  const ms = Number(timestamp);
  return Number.isFinite(ms) && ms >= 0 ? new Date(ms).toISOString() : '';
}

/** The filing as first received, marked with where it was re-driven from. */
function original(letter: IncomingMessage) {
  const headers: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(letter.rawHeaders)) {
    if (!ADDED_HEADERS.includes(name.toLowerCase())) headers[name] = value;
  }
  headers['x-redriven-from'] = Buffer.from(`${letter.topic}/${letter.partition}/${letter.offset}`);
  return { key: letter.key, value: letter.value, headers };
}
