import { createWriteStream } from 'node:fs';

import { offsetMinutes } from '@portscore/catalogue';
import { loadPorts, type PortscoreConfig } from '@portscore/config';
import { kafkaBusFor } from '@portscore/runtime';
import { simulate } from '@portscore/simulator';

import { option, UsageError } from '../arguments';

export const SIMULATE_HELP = `Usage: portscore simulate [--ports N] [--days D] [--rate R] [--seed S] [--per-day K] [--end YYYY-MM-DD] [--out FILE] [--quiet]

Generates realistic filings of every event type for the first N registered ports (default all)
over D days (default 30) ending before --end (default today, UTC), K filings per port and day on
average (default 120), with late, duplicated and out-of-order deliveries; deterministic for a
seed (default 1). Publishes them to the filings topic at R filings per second (default 0: as
fast as the broker takes them), or writes NDJSON to FILE with --out. Progress goes to stderr
unless --quiet.

Exit status: 0 done; 2 usage error; 70 the broker or FILE could not be written; 78 configuration
problem (an environment variable, SEEDS_DIR or seeds/ports.json).`;

export interface SimulateArguments {
  ports?: number;
  days?: number;
  rate?: number;
  seed?: number;
  perDay?: number;
  end?: string;
  out?: string;
  quiet?: boolean;
}

/** Reads the command line of `simulate`: every number non-negative, --end a date. */
export function simulateArguments(args: string[]): SimulateArguments {
  const number = (name: string) => {
    const text = option(args, name);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0) throw new UsageError(`${name} ${text} is not a non-negative number`);
    return value;
  };
  const end = option(args, '--end');
  if (end !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(end) || Number.isNaN(Date.parse(`${end}T00:00:00Z`)))) {
    throw new UsageError(`--end ${end} is not a date YYYY-MM-DD`);
  }
  return {
    ports: number('--ports'),
    days: number('--days'),
    rate: number('--rate'),
    seed: number('--seed'),
    perDay: number('--per-day'),
    end,
    out: option(args, '--out'),
    quiet: args.includes('--quiet'),
  };
}

export async function simulateCommand(config: PortscoreConfig, args: SimulateArguments): Promise<number> {
  const registry = loadPorts(config.seedsDir);
  const end = args.end ? new Date(`${args.end}T00:00:00Z`) : new Date(new Date().toISOString().slice(0, 10));
  if (Number.isNaN(end.getTime())) throw new Error(`--end ${args.end} is not a date YYYY-MM-DD`);
  const ports = registry.ports.slice(0, args.ports ?? registry.ports.length).map((port) => ({
    id: port.id,
    kind: port.kind,
    offsetMinutes: offsetMinutes(end, port.timeZone),
  }));
  const filings = simulate({ ports, days: args.days ?? 30, end, seed: args.seed ?? 1, perPortDay: args.perDay ?? 120 });
  const progress = (done: number) => {
    if (!args.quiet) process.stderr.write(`\rsimulated ${done}/${filings.length} filings`);
  };
  if (args.out) {
    const out = createWriteStream(args.out);
    for (const filing of filings) out.write(`${JSON.stringify(filing)}\n`);
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    console.log(`wrote ${filings.length} filings for ${ports.length} ports to ${args.out}`);
    return 0;
  }
  const bus = kafkaBusFor(config, 'simulator');
  const started = Date.now();
  const chunk = args.rate ? Math.max(1, Math.min(1000, Math.round(args.rate / 10))) : 2000;
  try {
    for (let sent = 0; sent < filings.length; sent += chunk) {
      const slice = filings.slice(sent, sent + chunk);
      await bus.publish(
        config.topics.filings,
        slice.map((f) => ({
          key: f.port,
          value: JSON.stringify(f),
          headers: { 'content-type': 'application/cloudevents+json' },
        })),
      );
      progress(sent + slice.length);
      if (args.rate) {
        const due = started + ((sent + slice.length) / args.rate) * 1000;
        if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      }
    }
  } finally {
    await bus.disconnect();
  }
  if (!args.quiet) process.stderr.write('\n');
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `published ${filings.length} simulated filings for ${ports.length} ports to ${config.topics.filings} in ${seconds.toFixed(1)} s`,
  );
  return 0;
}
