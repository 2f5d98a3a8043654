import 'reflect-metadata';

import { join } from 'node:path';

import { configOrExit } from '@portscore/config';
import { migrate } from '@portscore/persistence';

import { CATALOGUE_HELP, catalogueCommand } from './commands/catalogue.command';
import { DLQ_HELP, dlqCommand } from './commands/dlq.command';
import { docsCommand } from './commands/docs.command';
import { KEYS_HELP, keysCommand } from './commands/keys.command';
import { publishCommand } from './commands/publish.command';
import { SIMULATE_HELP, simulateCommand } from './commands/simulate.command';
import { validateCommand } from './commands/validate.command';
import { fileArguments, headerOptions, readFilingFiles } from './filing-files';

const HELP = `Usage: portscore <command> [args]

Commands:
  validate FILE… [--json]      check filings offline with the gateway's rules and reason codes;
                               exits 1 when any filing is rejected
  publish FILE… [--http URL --api-key KEY] [--quiet]
                               publish filings to the filings topic (KAFKA_BROKERS, TOPIC_FILINGS),
                               or over HTTP to URL/v1/filings; shows progress
  simulate [--ports N --days D --rate R --seed S …]
                               realistic traffic of every type to the filings topic or a file
                               (portscore simulate --help)
  dlq [list|redrive] …         browse dead letters by reason and re-drive them (portscore dlq --help)
  keys create|list|revoke …    API keys (portscore keys --help)
  catalogue show|apply FILE    catalogue versions; apply a new one and recompute every window
  recompute                    recompute every window with the catalogue in force
  migrate                      create the database if needed and apply migrations (DATABASE_URL)
  docs                         regenerate docs/asyncapi.json and docs/schemas/ from the contracts

FILE formats: .ndjson/.jsonl (a CloudEvent per line, or {"headers":{…},"value":"…"} records for
binary mode), .json (one CloudEvent), .xml (binary mode; attributes from FILE.headers.json beside
it and/or --header ce_type=… --header ce_id=… --header ce_source=… --header ce_time=… --header ce_port=…).

Settings come from environment variables; see .env.example for each one and its default.`;

const WITH_VALUE = [
  '--http',
  '--api-key',
  '--header',
  '--reason',
  '--limit',
  '--role',
  '--label',
  '--ports',
  '--days',
  '--rate',
  '--seed',
  '--per-day',
  '--end',
  '--out',
];

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP);
    return command ? 0 : 2;
  }
  const files = fileArguments(args, WITH_VALUE);
  switch (command) {
    case 'validate':
      if (files.length === 0) return usage('validate needs at least one FILE');
      return validateCommand(
        configOrExit('portscore'),
        readFilingFiles(files, headerOptions(args)),
        args.includes('--json'),
      );
    case 'publish': {
      if (files.length === 0) return usage('publish needs at least one FILE');
      const http = option(args, '--http');
      return publishCommand(configOrExit('portscore'), readFilingFiles(files, headerOptions(args)), {
        progress: !args.includes('--quiet'),
        ...(http ? { http, apiKey: option(args, '--api-key') ?? process.env.PORTSCORE_API_KEY } : {}),
      });
    }
    case 'simulate': {
      if (args.includes('--help')) {
        console.log(SIMULATE_HELP);
        return 0;
      }
      const number = (name: string) => {
        const text = option(args, name);
        if (text === undefined) return undefined;
        const value = Number(text);
        if (!Number.isFinite(value) || value < 0) throw new Error(`${name} ${text} is not a non-negative number`);
        return value;
      };
      return simulateCommand(configOrExit('portscore'), {
        ports: number('--ports'),
        days: number('--days'),
        rate: number('--rate'),
        seed: number('--seed'),
        perDay: number('--per-day'),
        end: option(args, '--end'),
        out: option(args, '--out'),
        quiet: args.includes('--quiet'),
      });
    }
    case 'dlq':
      if (args.includes('--help')) {
        console.log(DLQ_HELP);
        return 0;
      }
      return dlqCommand(configOrExit('portscore'), args);
    case 'catalogue':
    case 'recompute':
      if (args.includes('--help')) {
        console.log(CATALOGUE_HELP);
        return 0;
      }
      return catalogueCommand(configOrExit('portscore'), command === 'recompute' ? ['recompute'] : args);
    case 'keys':
      if (args.includes('--help')) {
        console.log(KEYS_HELP);
        return 0;
      }
      return keysCommand(configOrExit('portscore'), args);
    case 'migrate': {
      const applied = await migrate(configOrExit('portscore').databaseUrl);
      console.log(applied.length ? `applied ${applied.join(', ')}` : 'database is up to date');
      return 0;
    }
    case 'docs':
      return docsCommand(join(__dirname, '..', '..', '..', '..'));
    default:
      return usage(`unknown command ${command}`);
  }
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

function usage(problem: string): number {
  console.error(`portscore: ${problem}\n\n${HELP}`);
  return 2;
}

main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    console.error(`portscore: ${(error as Error).message}`);
    process.exit(1);
  });
