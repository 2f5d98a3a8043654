import 'reflect-metadata';

import { join } from 'node:path';

import { ConfigurationError, loadConfig } from '@portscore/config';

import { asksForHelp, checkOptions, option, type OptionSpec, splitInlineValues, UsageError } from './arguments';
import { CATALOGUE_HELP, catalogueCommand } from './commands/catalogue.command';
import { DLQ_HELP, dlqCommand, dlqRequest } from './commands/dlq.command';
import { DOCS_HELP, docsCommand } from './commands/docs.command';
import { KEYS_HELP, keysCommand, keysRequest } from './commands/keys.command';
import { MIGRATE_HELP, migrateCommand } from './commands/migrate.command';
import { PUBLISH_HELP, publishCommand } from './commands/publish.command';
import { SIMULATE_HELP, simulateArguments, simulateCommand } from './commands/simulate.command';
import { VALIDATE_HELP, validateCommand } from './commands/validate.command';
import { EXIT_STATUS_HELP, ExitStatus } from './exit-status';
import { FILE_FORMATS, fileArguments, FilingFileError, headerOptions, readFilingFiles } from './filing-files';

export const HELP = `Usage: portscore <command> [args]        portscore <command> --help: the command's own usage

Commands:
  validate FILE… [--json]      check filings offline with the gateway's rules and reason codes;
                               exits 1 when any filing is rejected
  publish FILE… [--http URL [--api-key KEY]] [--quiet]
                               publish filings to the filings topic (KAFKA_BROKERS, TOPIC_FILINGS),
                               or over HTTP to URL/v1/filings; shows progress
  simulate [--ports N --days D --rate R --seed S …]
                               realistic traffic of every type to the filings topic or a file
  dlq [list|redrive] …         browse dead letters by reason and re-drive them
  keys create|list|revoke …    API keys
  catalogue show|apply FILE    catalogue versions; apply a new one and recompute every window
  recompute                    recompute every window with the catalogue in force
  migrate                      create the database if needed and apply migrations (DATABASE_URL)
  docs                         regenerate docs/asyncapi.json and docs/schemas/ from the contracts
  help [COMMAND]               this text, or a command's usage

${FILE_FORMATS}

${EXIT_STATUS_HELP}

Options that take a value take it as --name VALUE or --name=VALUE.

Settings come from environment variables; see .env.example for each one and its default.`;

interface Command extends OptionSpec {
  help: string;
  run(args: string[], spec: OptionSpec): Promise<number> | number;
}

const HEADER = { '--header': 'name=value (e.g. --header ce_type=sw.bl.issued.v1)' };
const NUMBER = 'a number';

const COMMANDS: Record<string, Command> = {
  validate: {
    help: VALIDATE_HELP,
    flags: ['--json'],
    withValue: HEADER,
    run: (args, spec) => {
      const filings = readFilingFiles(filesOf(args, spec), headerOptions(args));
      return validateCommand(loadConfig(), filings, args.includes('--json'));
    },
  },
  publish: {
    help: PUBLISH_HELP,
    flags: ['--quiet'],
    withValue: {
      ...HEADER,
      '--http': "the API's base URL (e.g. --http http://127.0.0.1:3000)",
      '--api-key': 'an API key',
    },
    run: async (args, spec) => {
      const http = option(args, '--http');
      const apiKey = option(args, '--api-key') ?? (process.env.PORTSCORE_API_KEY?.trim() || undefined);
      if (http === undefined) {
        if (args.includes('--api-key'))
          throw new UsageError('--api-key goes with --http URL; without --http, filings go to Kafka');
      } else {
        if (!isHttpUrl(http))
          throw new UsageError(
            `--http ${http} is not an http(s) URL; give the API's base URL, e.g. http://127.0.0.1:3000`,
          );
        if (!apiKey) throw new UsageError('--http needs an API key: --api-key KEY, or PORTSCORE_API_KEY');
      }
      const filings = readFilingFiles(filesOf(args, spec), headerOptions(args));
      return publishCommand(loadConfig(), filings, {
        progress: !args.includes('--quiet'),
        ...(http === undefined ? {} : { http, apiKey }),
      });
    },
  },
  simulate: {
    help: SIMULATE_HELP,
    flags: ['--quiet'],
    withValue: {
      '--ports': NUMBER,
      '--days': NUMBER,
      '--rate': NUMBER,
      '--seed': NUMBER,
      '--per-day': NUMBER,
      '--end': 'a date YYYY-MM-DD',
      '--out': 'a FILE',
    },
    run: (args) => simulateCommand(loadConfig(), simulateArguments(args)),
  },
  dlq: {
    help: DLQ_HELP,
    flags: ['--dry-run'],
    withValue: { '--reason': 'a reason code (see portscore dlq --help)', '--limit': 'a number' },
    run: (args) => {
      const request = dlqRequest(args);
      return dlqCommand(loadConfig(), request);
    },
  },
  keys: {
    help: KEYS_HELP,
    flags: [],
    withValue: { '--role': 'admin, agency or port:<PORT>', '--label': 'a text' },
    run: (args) => {
      const request = keysRequest(args);
      return keysCommand(loadConfig(), request);
    },
  },
  catalogue: { help: CATALOGUE_HELP, flags: [], withValue: {}, run: (args) => catalogueCommand(loadConfig(), args) },
  recompute: {
    help: CATALOGUE_HELP,
    flags: [],
    withValue: {},
    run: () => catalogueCommand(loadConfig(), ['recompute']),
  },
  migrate: { help: MIGRATE_HELP, flags: [], withValue: {}, run: () => migrateCommand(loadConfig()) },
  docs: { help: DOCS_HELP, flags: [], withValue: {}, run: () => docsCommand(join(__dirname, '..', '..', '..', '..')) },
};

/**
 * Runs one command line and answers its exit status (never throws): help on stdout with 0 when
 * asked for, a usage error on stderr with 2, a failure with the status EXIT_STATUS_HELP lists.
 * Every command answers --help and -h with its own usage before it reads or connects to anything.
 */
export async function runCli(argv: string[]): Promise<number> {
  const [name, ...given] = argv;
  if (name === undefined) {
    console.error(HELP);
    return ExitStatus.Usage;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    const topic = given[0];
    if (topic === undefined) console.log(HELP);
    else if (Object.hasOwn(COMMANDS, topic)) console.log(COMMANDS[topic]!.help);
    else return unknownCommand(topic);
    return ExitStatus.Ok;
  }
  if (!Object.hasOwn(COMMANDS, name)) return unknownCommand(name);
  const command = COMMANDS[name]!;
  if (asksForHelp(given, command)) {
    console.log(command.help);
    return ExitStatus.Ok;
  }
  try {
    const args = splitInlineValues(given, command);
    checkOptions(args, command);
    return await command.run(args, command);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`portscore ${name}: ${error.message}\n(portscore ${name} --help shows its usage)`);
      return ExitStatus.Usage;
    }
    if (error instanceof FilingFileError) {
      console.error(`portscore ${name}: ${error.message}`);
      return ExitStatus.NoInput;
    }
    if (error instanceof ConfigurationError) {
      console.error(`portscore ${name}: ${error.message}`);
      return ExitStatus.Configuration;
    }
    console.error(`portscore ${name}: ${(error as Error).message}`);
    return ExitStatus.Failed;
  }
}

function unknownCommand(name: string): number {
  console.error(`portscore: unknown command ${name}\n\n${HELP}`);
  return ExitStatus.Usage;
}

function filesOf(args: string[], spec: OptionSpec): string[] {
  const files = fileArguments(args, Object.keys(spec.withValue));
  if (files.length === 0) throw new UsageError('needs at least one FILE');
  return files;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
