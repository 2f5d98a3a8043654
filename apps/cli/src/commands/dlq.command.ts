import type { PortscoreConfig } from '@portscore/config';
import { REJECT_REASONS } from '@portscore/contracts';
import type { IncomingMessage } from '@portscore/messaging';
import { kafkaBusFor } from '@portscore/runtime';

export const DLQ_HELP = `Usage: portscore dlq [list|redrive] [options]
  dlq list [--reason CODE] [--limit N]     dead letters by reason, then the latest N (default 20)
  dlq redrive --reason CODE [--dry-run]    publish the dead letters with that reason again to the
                                           filings topic, bytes and headers as first received
                                           (after a fix: a new port, a corrected catalogue, …)
Reason codes:
${Object.entries(REJECT_REASONS)
  .map(([code, meaning]) => `  ${code.padEnd(24)} ${meaning}`)
  .join('\n')}`;

const ADDED_HEADERS = ['x-reject-reason', 'x-reject-detail', 'x-origin'];

export async function dlqCommand(config: PortscoreConfig, args: string[]): Promise<number> {
  const action = args[0] && !args[0].startsWith('-') ? args[0] : 'list';
  const reason = option(args, '--reason');
  if (action !== 'list' && action !== 'redrive') {
    console.error(DLQ_HELP);
    return 2;
  }
  if (action === 'redrive' && !reason) {
    console.error('dlq redrive: --reason CODE is required (see portscore dlq --help)');
    return 2;
  }
  const bus = kafkaBusFor(config, 'cli');
  try {
    process.stderr.write(`reading ${config.topics.deadLetters} …\n`);
    const letters = (await bus.readToEnd(config.topics.deadLetters)).filter(
      (m) => !reason || m.headers['x-reject-reason'] === reason,
    );
    if (action === 'list') {
      const byReason = new Map<string, number>();
      for (const letter of letters) {
        const code = letter.headers['x-reject-reason'] ?? '(none)';
        byReason.set(code, (byReason.get(code) ?? 0) + 1);
      }
      console.log(`${letters.length} dead letters${reason ? ` with reason ${reason}` : ''}`);
      for (const [code, count] of [...byReason].sort((a, b) => b[1] - a[1]))
        console.log(`  ${String(count).padStart(8)}  ${code}`);
      const limit = Number(option(args, '--limit') ?? 20);
      for (const letter of letters.slice(-limit)) {
        console.log(
          `${letter.partition}/${letter.offset}\t${letter.headers['x-reject-reason']}\t${letter.headers['x-origin'] ?? ''}\t${letter.headers['x-reject-detail'] ?? ''}`,
        );
      }
      return 0;
    }
    if (args.includes('--dry-run')) {
      console.log(`would re-drive ${letters.length} dead letters with reason ${reason}`);
      return 0;
    }
    for (let start = 0; start < letters.length; start += 500) {
      await bus.publish(config.topics.filings, letters.slice(start, start + 500).map(original));
      process.stderr.write(`\rre-driven ${Math.min(start + 500, letters.length)}/${letters.length}`);
    }
    process.stderr.write('\n');
    console.log(`re-drove ${letters.length} dead letters with reason ${reason} to ${config.topics.filings}`);
    return 0;
  } finally {
    await bus.disconnect();
  }
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

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}
