import { asksForHelp, parseBenchArguments, UsageError } from './bench-arguments';

const PIPELINE = {
  events: { default: 1_000_000, min: 1 },
  ports: { default: 50, min: 2, max: 50 },
  rate: { default: 2000, min: 1 },
  'latency-seconds': { default: 30, min: 1 },
};

function refusal(args: string[]): string {
  try {
    parseBenchArguments(args, PIPELINE);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`${args.join(' ')} was accepted`);
}

describe('parseBenchArguments', () => {
  it('gives the defaults for an empty command line', () => {
    expect(parseBenchArguments([], PIPELINE)).toEqual({
      numbers: { events: 1_000_000, ports: 50, rate: 2000, 'latency-seconds': 30 },
      profile: false,
      logs: false,
    });
  });

  it('takes a value after the option or after an equals sign, and the flags', () => {
    expect(
      parseBenchArguments(
        ['--events', '200000', '--ports=14', '--latency-seconds=10', '--logs', '--profile'],
        PIPELINE,
      ),
    ).toEqual({
      numbers: { events: 200_000, ports: 14, rate: 2000, 'latency-seconds': 10 },
      profile: true,
      logs: true,
    });
  });

  it.each([
    [['--event', '1000'], 'unknown option --event'],
    [['--events=1000', '--count=5'], 'unknown option --count'],
    [['-e', '1000'], 'unknown option -e'],
    [['1000'], 'unexpected argument 1000'],
    [['--events'], '--events needs a whole number'],
    [['--events', '--ports', '3'], '--events needs a whole number'],
    [['--events', '-5'], '--events needs a whole number'],
    [['--events=1', '--events', '2'], '--events is given twice'],
    [['--logs=yes'], '--logs takes no value'],
  ])('refuses %j: %s', (args, message) => {
    expect(refusal(args)).toBe(message);
  });

  it.each([
    [['--ports', '3.5'], '--ports 3.5: expected a whole number from 2 to 50'],
    [['--ports=1'], '--ports 1: expected a whole number from 2 to 50'],
    [['--ports', '51'], '--ports 51: expected a whole number from 2 to 50'],
    [['--events', '1e6'], '--events 1e6: expected a whole number from 1'],
    [['--events', '1,000'], '--events 1,000: expected a whole number from 1'],
    [['--events='], '--events (empty): expected a whole number from 1'],
    [['--rate', '0'], '--rate 0: expected a whole number from 1'],
    [['--rate', '99999999999999999999'], '--rate 99999999999999999999: expected a whole number from 1'],
  ])('refuses a value that is not a whole number in range: %j', (args, message) => {
    expect(refusal(args)).toBe(message);
  });
});

describe('asksForHelp', () => {
  it.each([[['--help']], [['-h']], [['--events', '5', '-h']], [['--bogus', '--help']]])('%j asks for help', (args) => {
    expect(asksForHelp(args)).toBe(true);
  });

  it.each([[[]], [['--events', '5']], [['--events=--help']]])('%j does not', (args) => {
    expect(asksForHelp(args)).toBe(false);
  });
});
