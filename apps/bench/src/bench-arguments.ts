/** A command line that does not fit the bench's usage: exit status 2, with the usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** An option `--name N` or `--name=N` taking a whole number: its default and its range. */
export interface WholeNumberOption {
  default: number;
  min: number;
  max?: number;
}

export interface BenchOptions<Name extends string> {
  numbers: Record<Name, number>;
  /** --profile: a V8 CPU profile per service. */
  profile: boolean;
  /** --logs: each service's log kept in a file. */
  logs: boolean;
}

/** The flags every bench takes (the services it starts honour them). */
const FLAGS = ['profile', 'logs'] as const;

/** `--help` or `-h` anywhere: the usage answers, whatever else is on the line. */
export function asksForHelp(args: readonly string[]): boolean {
  return args.some((arg) => arg === '--help' || arg === '-h');
}

/**
 * The bench's options from its command line. Refuses an option the bench does not know (a
 * misspelt `--event 1000` must not start the full run), an option given twice, a stray word, and a
 * value that is not a whole number in the option's range.
 */
export function parseBenchArguments<Name extends string>(
  args: readonly string[],
  numbers: Record<Name, WholeNumberOption>,
): BenchOptions<Name> {
  const given = new Map<string, string>();
  const flags = new Set<string>();
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    if (!arg.startsWith('--')) {
      throw new UsageError(arg.startsWith('-') ? `unknown option ${arg}` : `unexpected argument ${arg}`);
    }
    const equals = arg.indexOf('=');
    const name = equals < 0 ? arg.slice(2) : arg.slice(2, equals);
    const inline = equals < 0 ? undefined : arg.slice(equals + 1);
    if ((FLAGS as readonly string[]).includes(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      flags.add(name);
      continue;
    }
    if (!Object.hasOwn(numbers, name)) throw new UsageError(`unknown option --${name}`);
    if (given.has(name)) throw new UsageError(`--${name} is given twice`);
    let value = inline;
    if (value === undefined) {
      const next = args[index + 1];
      if (next === undefined || next.startsWith('-')) throw new UsageError(`--${name} needs a whole number`);
      value = next;
      index += 1;
    }
    given.set(name, value);
  }
  const values = {} as Record<Name, number>;
  for (const name of Object.keys(numbers) as Name[]) {
    const text = given.get(name);
    values[name] = text === undefined ? numbers[name].default : wholeNumber(name, text, numbers[name]);
  }
  return { numbers: values, profile: flags.has('profile'), logs: flags.has('logs') };
}

function wholeNumber(name: string, text: string, range: WholeNumberOption): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(value) || value < range.min || value > max) {
    const bounds = range.max === undefined ? `from ${range.min}` : `from ${range.min} to ${range.max}`;
    throw new UsageError(`--${name} ${text === '' ? '(empty)' : text}: expected a whole number ${bounds}`);
  }
  return value;
}
