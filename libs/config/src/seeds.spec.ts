import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConfigurationError } from './portscore-config';
import { checkSeeds, loadCatalogue, loadPorts, seedsPath } from './seeds';

const ROOT = join(__dirname, '..', '..', '..');

const port = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: id,
  nameZh: id,
  kind: 'sea',
  country: 'CN',
  ...extra,
});

describe('seeds', () => {
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'portscore-seeds-'));
  });

  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(folder, { recursive: true, force: true });
  });

  const writePorts = (dir: string, ports: unknown[]) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'ports.json'), JSON.stringify({ ports }));
  };

  const problemOf = (load: () => unknown): string => {
    try {
      load();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      return (error as ConfigurationError).problems.join('\n');
    }
    throw new Error('expected a configuration error');
  };

  it('puts a port that names no time zone in Asia/Shanghai and keeps the zone of the others', () => {
    writePorts(folder, [
      port('CNSHA'),
      port('CNTSN', { timeZone: null }),
      port('SGSIN', { timeZone: 'Asia/Singapore' }),
    ]);
    const ports = loadPorts(folder);
    expect(ports.require('CNSHA').timeZone).toBe('Asia/Shanghai');
    expect(ports.require('CNTSN').timeZone).toBe('Asia/Shanghai');
    expect(ports.require('SGSIN').timeZone).toBe('Asia/Singapore');
  });

  it.each([['Mars/Olympus'], [''], [8]])('refuses the time zone %p, naming the port and the field', (timeZone) => {
    writePorts(folder, [port('CNSHA'), port('CNXMN', { timeZone })]);
    const problem = problemOf(() => loadPorts(folder));
    expect(problem).toContain(`${join(folder, 'ports.json')}: port CNXMN: timeZone ${JSON.stringify(timeZone)}`);
    expect(problem).toContain('is not an IANA time zone');
    expect(problem).not.toContain('CNSHA');
  });

  it('names the file when ports.json is not what it should be', () => {
    writeFileSync(join(folder, 'ports.json'), '{"ports": [');
    expect(problemOf(() => loadPorts(folder))).toMatch(new RegExp(`^${join(folder, 'ports.json')}: .*JSON`));
    writeFileSync(join(folder, 'ports.json'), '[]');
    expect(problemOf(() => loadPorts(folder))).toBe(`${join(folder, 'ports.json')}: expected {"ports": [ … ]}`);
  });

  it('reads a relative SEEDS_DIR from the working directory when it is there', () => {
    writePorts(join(folder, 'seeds'), [port('ZZTST', { timeZone: 'UTC' })]);
    jest.spyOn(process, 'cwd').mockReturnValue(folder);
    expect(loadPorts('seeds').ports.map((p) => p.id)).toEqual(['ZZTST']);
  });

  it('reads a relative SEEDS_DIR from the package when the working directory has none', () => {
    jest.spyOn(process, 'cwd').mockReturnValue(folder);
    expect(seedsPath('seeds', 'ports.json')).toBe(join(ROOT, 'seeds', 'ports.json'));
    expect(loadPorts('seeds').has('CNSHA')).toBe(true);
    expect(loadCatalogue('seeds').version).toBeTruthy();
  });

  it('says which paths it tried and to set SEEDS_DIR when neither has the file', () => {
    jest.spyOn(process, 'cwd').mockReturnValue(folder);
    const problem = problemOf(() => loadPorts('no-such-seeds'));
    expect(problem).toContain(join(folder, 'no-such-seeds', 'ports.json'));
    expect(problem).toContain(join(ROOT, 'no-such-seeds', 'ports.json'));
    expect(problem).toContain('set SEEDS_DIR');
  });

  it('checks both seed files at once, naming SEEDS_DIR and the path tried for each', () => {
    const missing = join(folder, 'nope');
    const problem = problemOf(() => checkSeeds(missing));
    expect(problem).toBe(
      [
        `SEEDS_DIR=${missing}: no ports.json at ${join(missing, 'ports.json')}; ` +
          'set SEEDS_DIR to the folder that holds catalogue.json and ports.json',
        `SEEDS_DIR=${missing}: no catalogue.json at ${join(missing, 'catalogue.json')}; ` +
          'set SEEDS_DIR to the folder that holds catalogue.json and ports.json',
      ].join('\n'),
    );
  });

  it('names the file when catalogue.json is not a catalogue', () => {
    writePorts(folder, [port('CNSHA')]);
    writeFileSync(join(folder, 'catalogue.json'), JSON.stringify({ version: '1', measures: [] }));
    expect(problemOf(() => checkSeeds(folder))).toBe(
      `${join(folder, 'catalogue.json')}: catalogue: measures must list all 29 measures`,
    );
  });

  it('accepts the seeds that come with Portscore', () => {
    expect(() => checkSeeds(join(ROOT, 'seeds'))).not.toThrow();
  });

  it('looks for an absolute SEEDS_DIR there only', () => {
    const problem = problemOf(() => loadPorts(join(folder, 'missing')));
    expect(problem).toBe(
      `SEEDS_DIR=${join(folder, 'missing')}: no ports.json at ${join(folder, 'missing', 'ports.json')}; ` +
        'set SEEDS_DIR to the folder that holds catalogue.json and ports.json',
    );
  });
});
