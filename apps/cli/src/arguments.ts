/** A command line that does not fit the command's usage: exit status 2, with a pointer to its help. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The value of `--name VALUE`, or undefined when the option is not given; `what` names the value. */
export function option(args: string[], name: string, what = 'a value'): string | undefined {
  const index = args.indexOf(name);
  if (index < 0) return undefined;
  const value = args[index + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs ${what}`);
  return value;
}

/** A whole number given as `--name N`, at least `min`. */
export function wholeNumberOption(args: string[], name: string, min = 0): number | undefined {
  const text = option(args, name);
  if (text === undefined) return undefined;
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min)
    throw new UsageError(`${name} ${text}: expected a whole number from ${min}`);
  return value;
}

/** The options of a command: flags, and options with a value (each with what that value is). */
export interface OptionSpec {
  flags: string[];
  withValue: Record<string, string>;
}

/**
 * The command line with each `--name=VALUE` of an option that takes a value written as
 * `--name VALUE`, the form the rest of the parsing reads. Another word with `=` is left as it is,
 * for checkOptions to refuse: a flag given a value is a mistake, not a FILE.
 */
export function splitInlineValues(args: string[], spec: OptionSpec): string[] {
  return args.flatMap((arg) => {
    const equals = arg.indexOf('=');
    if (!arg.startsWith('--') || equals < 0) return [arg];
    const name = arg.slice(0, equals);
    const what = spec.withValue[name];
    if (what === undefined) return [arg];
    const value = arg.slice(equals + 1);
    if (value === '') throw new UsageError(`${name} needs ${what}`);
    return [name, value];
  });
}

/**
 * Refuses an option the command does not know (a misspelt `--dry-run` must not go unnoticed)
 * and an option given without its value.
 */
export function checkOptions(args: string[], spec: OptionSpec): void {
  args.forEach((arg, index) => {
    if (!arg.startsWith('-') || isValue(args, index, spec)) return;
    if (spec.flags.includes(arg)) return;
    const what = spec.withValue[arg];
    if (what === undefined) throw new UsageError(`unknown option ${arg}`);
    option(args.slice(index), arg, what);
  });
}

/** `--help` or `-h` anywhere, except as the value of an option. */
export function asksForHelp(args: string[], spec: OptionSpec): boolean {
  return args.some((arg, index) => (arg === '--help' || arg === '-h') && !isValue(args, index, spec));
}

/** Whether args[index] is the value of the option before it (never a `--` word: see option()). */
function isValue(args: string[], index: number, spec: OptionSpec): boolean {
  return index > 0 && !args[index]!.startsWith('--') && Object.hasOwn(spec.withValue, args[index - 1]!);
}
