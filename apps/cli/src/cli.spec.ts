import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { HELP, runCli } from './cli';

const ROOT = join(__dirname, '..', '..', '..');
const fixture = (path: string) => join(ROOT, 'test', 'fixtures', path);

/** Runs a command line, capturing what it writes. */
async function run(...argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
    stdout.push(`${parts.join(' ')}\n`);
  });
  const error = jest.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => {
    stderr.push(`${parts.join(' ')}\n`);
  });
  const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
  try {
    const status = await runCli(argv);
    return { status, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    write.mockRestore();
  }
}

const SETTINGS = ['KAFKA_BROKERS', 'DATABASE_URL', 'SEEDS_DIR', 'PORTSCORE_API_KEY'];
const saved = Object.fromEntries(SETTINGS.map((name) => [name, process.env[name]]));

afterEach(() => {
  for (const name of SETTINGS) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  jest.restoreAllMocks();
});

describe('portscore help', () => {
  const COMMANDS = ['validate', 'publish', 'simulate', 'dlq', 'keys', 'catalogue', 'recompute', 'migrate', 'docs'];

  beforeEach(() => {
    // Any command that went on to load its configuration would stop with status 78.
    process.env.KAFKA_BROKERS = 'no-port';
    process.env.DATABASE_URL = 'mysql://elsewhere';
  });

  it.each(
    COMMANDS.flatMap((command) => [
      [command, '--help'],
      [command, '-h'],
    ]),
  )('%s %s prints its own usage and exits 0 without doing anything', async (command, flag) => {
    const { status, stdout, stderr } = await run(command, flag);
    expect(status).toBe(0);
    const usage = command === 'recompute' ? 'catalogue' : command;
    expect(stdout).toMatch(new RegExp(`^Usage: portscore ${usage}\\b`));
    expect(stdout).not.toContain('Commands:');
    expect(stderr).toBe('');
  });

  it('answers --help after other words too, and help COMMAND', async () => {
    const afterFile = await run('validate', 'some.ndjson', '--json', '--help');
    expect(afterFile.status).toBe(0);
    expect(afterFile.stdout).toMatch(/^Usage: portscore validate/);
    const dlq = await run('dlq', 'redrive', '--reason', 'unknown_port', '-h');
    expect(dlq.status).toBe(0);
    expect(dlq.stdout).toMatch(/^Usage: portscore dlq/);
    const topic = await run('help', 'publish');
    expect(topic.status).toBe(0);
    expect(topic.stdout).toMatch(/^Usage: portscore publish/);
  });

  it('documents --quiet in simulate --help and the exit statuses of validate and publish', async () => {
    expect((await run('simulate', '--help')).stdout).toContain('--quiet');
    expect((await run('validate', '--help')).stdout).toMatch(/Exit status: 0 .*1 at least one was rejected; 2 usage/s);
    expect((await run('publish', '--help')).stdout).toContain('75 filings not delivered');
  });

  it('prints the overview on stdout with 0 when asked, on stderr with 2 when no command is given', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const asked = await run(flag);
      expect(asked).toEqual({ status: 0, stdout: `${HELP}\n`, stderr: '' });
    }
    const bare = await run();
    expect(bare).toEqual({ status: 2, stdout: '', stderr: `${HELP}\n` });
  });

  it('refuses an unknown command or option with status 2', async () => {
    const unknown = await run('valdiate', 'x.ndjson');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown command valdiate');
    const misspelt = await run('dlq', 'redrive', '--reason', 'unknown_port', '--dry-rn');
    expect(misspelt.status).toBe(2);
    expect(misspelt.stderr).toContain('unknown option --dry-rn');
  });
});

describe('portscore usage errors', () => {
  it('validate and publish need a FILE', async () => {
    for (const command of ['validate', 'publish']) {
      const { status, stdout, stderr } = await run(command, '--json');
      expect(status).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain(command === 'validate' ? 'needs at least one FILE' : 'unknown option --json');
    }
    expect((await run('publish', '--quiet')).stderr).toContain(`portscore publish: needs at least one FILE`);
  });

  it('publish --http without its URL says what to give instead of publishing to Kafka', async () => {
    for (const argv of [
      ['publish', fixture('valid/m1-cnsha-october.ndjson'), '--http'],
      ['publish', '--http', '--quiet', fixture('valid/m1-cnsha-october.ndjson')],
    ]) {
      const { status, stderr } = await run(...argv);
      expect(status).toBe(2);
      expect(stderr).toContain("--http needs the API's base URL (e.g. --http http://127.0.0.1:3000)");
    }
    const notUrl = await run('publish', '--http', 'localhost:3000', '--api-key', 'k', 'f.ndjson');
    expect(notUrl.status).toBe(2);
    expect(notUrl.stderr).toContain('--http localhost:3000 is not an http(s) URL');
  });

  it('publish --http needs a key, and --api-key needs --http', async () => {
    delete process.env.PORTSCORE_API_KEY;
    const noKey = await run('publish', '--http', 'http://127.0.0.1:9', 'f.ndjson');
    expect(noKey.status).toBe(2);
    expect(noKey.stderr).toContain('--http needs an API key: --api-key KEY, or PORTSCORE_API_KEY');
    const keyAlone = await run('publish', '--api-key', 'psk_x', 'f.ndjson');
    expect(keyAlone.status).toBe(2);
    expect(keyAlone.stderr).toContain('--api-key goes with --http URL');
  });

  it.each([['0x'], ['ten'], ['-1'], ['2.5']])('dlq list --limit %s is refused', async (limit) => {
    const { status, stderr } = await run('dlq', 'list', '--limit', limit);
    expect(status).toBe(2);
    expect(stderr).toContain(`--limit ${limit}: expected a whole number from 0`);
  });

  it("takes an option's value as --name=VALUE too, and refuses it empty or on a flag", async () => {
    const limit = await run('dlq', 'list', '--limit=ten');
    expect(limit.status).toBe(2);
    expect(limit.stderr).toContain('--limit ten: expected a whole number from 0');
    const http = await run('publish', '--http=localhost:3000', '--api-key=k', 'f.ndjson');
    expect(http.status).toBe(2);
    expect(http.stderr).toContain('--http localhost:3000 is not an http(s) URL');
    const empty = await run('dlq', 'list', '--limit=');
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain('portscore dlq: --limit needs a number');
    // A flag given a value is refused, not read as a FILE.
    const flag = await run('validate', '--json=yes', fixture('valid/m1-cnsha-october.ndjson'));
    expect(flag.status).toBe(2);
    expect(flag.stderr).toContain('unknown option --json=yes');
    expect((await run('simulate', '--rate=5', '--help')).status).toBe(0);
  });

  it('dlq refuses a reason that is not a reject code and lists the codes', async () => {
    const { status, stderr } = await run('dlq', 'redrive', '--reason', 'unknown-port');
    expect(status).toBe(2);
    expect(stderr).toContain('--reason unknown-port is not a reject reason; one of: invalid_encoding,');
    expect(stderr).toContain('unknown_port');
    expect((await run('dlq', 'list', '--reason', 'UNKNOWN_PORT')).status).toBe(2);
    expect((await run('dlq', 'redrive')).stderr).toContain('redrive needs --reason CODE');
  });

  it('keys create refuses a port that is not registered and names the registered ones', async () => {
    const { status, stderr } = await run('keys', 'create', '--role', 'port:CNXYZ');
    expect(status).toBe(2);
    expect(stderr).toContain('port CNXYZ is not registered in SEEDS_DIR/ports.json');
    expect(stderr).toMatch(/registered: CNSHA, /);
  });
});

describe('portscore validate exit status', () => {
  it('is 0 when every filing is valid and 1 when one is rejected', async () => {
    const valid = await run('validate', fixture('valid/m1-cnsha-october.ndjson'));
    expect(valid.status).toBe(0);
    expect(valid.stderr).toContain('0 rejected');
    const rejected = await run(
      'validate',
      fixture('valid/m1-cnsha-october.ndjson'),
      fixture('invalid/json/unknown-port.json'),
    );
    expect(rejected.status).toBe(1);
    expect(rejected.stdout).toContain('unknown-port.json: unknown_port: ');
  });

  it('gives the gateway reason for a filing that is not UTF-8', async () => {
    const { status, stdout } = await run('validate', '--json', fixture('invalid/json/not-utf8.json'));
    expect(status).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'rejected', reason: 'invalid_encoding' });
  });

  it('is 66 when a FILE cannot be read, not the status of a rejection', async () => {
    const { status, stderr } = await run('validate', join(ROOT, 'no-such-file.ndjson'));
    expect(status).toBe(66);
    expect(stderr).toBe(`portscore validate: cannot read ${join(ROOT, 'no-such-file.ndjson')}: no such file\n`);
  });

  it('is 78 when the configuration is wrong, naming what to set', async () => {
    process.env.SEEDS_DIR = 'no-such-seeds';
    const seeds = await run('validate', fixture('valid/m1-cnsha-october.ndjson'));
    expect(seeds.status).toBe(78);
    expect(seeds.stderr).toContain(`no ports.json at ${join(process.cwd(), 'no-such-seeds', 'ports.json')}`);
    expect(seeds.stderr).toContain('set SEEDS_DIR');
    delete process.env.SEEDS_DIR;
    process.env.KAFKA_BROKERS = 'no-port';
    expect((await run('validate', fixture('valid/m1-cnsha-october.ndjson'))).status).toBe(78);
  });

  it('works from any working directory', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'portscore-cwd-'));
    try {
      jest.spyOn(process, 'cwd').mockReturnValue(elsewhere);
      const { status, stderr } = await run('validate', fixture('valid/m1-cnsha-october.ndjson'));
      expect(stderr).toContain('0 rejected');
      expect(status).toBe(0);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
