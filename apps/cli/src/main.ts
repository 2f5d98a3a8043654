import 'reflect-metadata';

import { join } from 'node:path';

import { configOrExit } from '@portscore/config';
import { migrate } from '@portscore/persistence';

import { docsCommand } from './commands/docs.command';
import { publishCommand } from './commands/publish.command';
import { validateCommand } from './commands/validate.command';

const HELP = `Usage: portscore <command> [args]

Commands:
  validate FILE…   check NDJSON filings offline with the gateway's rules and reason codes;
                   exits 1 when any filing is rejected
  publish FILE…    publish NDJSON filings (one CloudEvents JSON envelope per line) to the
                   filings topic (KAFKA_BROKERS, TOPIC_FILINGS)
  migrate          create the database if needed and apply pending migrations (DATABASE_URL)
  docs             regenerate docs/asyncapi.json and docs/schemas/ from the contracts

Settings come from environment variables; see .env.example for each one and its default.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP);
    return command ? 0 : 2;
  }
  const files = args.filter((arg) => !arg.startsWith('-'));
  switch (command) {
    case 'validate':
      if (files.length === 0) return usage('validate needs at least one FILE');
      return validateCommand(configOrExit('portscore'), files);
    case 'publish':
      if (files.length === 0) return usage('publish needs at least one FILE');
      return publishCommand(configOrExit('portscore'), files, !args.includes('--quiet'));
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
