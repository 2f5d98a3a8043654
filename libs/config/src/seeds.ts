import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

import { type Catalogue, MeasureCatalogue } from '@portscore/catalogue';
import { type Port, PortRegistry } from '@portscore/contracts';

import { ConfigurationError } from './portscore-config';

/** The time zone of a port whose entry in ports.json names none (SPEC §4). */
export const DEFAULT_PORT_TIME_ZONE = 'Asia/Shanghai';

/**
 * Resolves a file of the seeds folder: SEEDS_DIR absolute, or relative to the working directory
 * when the file is there, else relative to the installed package (so the CLI works from any
 * folder). Fails with the paths tried when none holds the file.
 */
export function seedsPath(seedsDir: string, file: string): string {
  const root = packageRoot();
  const candidates = isAbsolute(seedsDir)
    ? [join(seedsDir, file)]
    : [...new Set([resolve(process.cwd(), seedsDir, file), ...(root ? [resolve(root, seedsDir, file)] : [])])];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found) return found;
  throw new ConfigurationError([
    `SEEDS_DIR=${seedsDir}: no ${file} at ${candidates.join(' or ')}; ` +
      'set SEEDS_DIR to the folder that holds catalogue.json and ports.json',
  ]);
}

export function loadCatalogue(seedsDir: string): MeasureCatalogue {
  const file = seedsPath(seedsDir, 'catalogue.json');
  const data = readSeed<Catalogue>(file);
  try {
    return new MeasureCatalogue(data);
  } catch (error) {
    throw new ConfigurationError([`${file}: ${(error as Error).message}`]);
  }
}

/** The registered ports; a port without a time zone is in Asia/Shanghai. */
export function loadPorts(seedsDir: string): PortRegistry {
  const file = seedsPath(seedsDir, 'ports.json');
  const data = readSeed<{ ports?: Array<Omit<Port, 'timeZone'> & { timeZone?: unknown }> }>(file);
  if (!Array.isArray(data.ports)) throw new ConfigurationError([`${file}: expected {"ports": [ … ]}`]);
  const problems: string[] = [];
  const ports = data.ports.map((port): Port => {
    const timeZone = port.timeZone ?? DEFAULT_PORT_TIME_ZONE;
    if (!isTimeZone(timeZone)) {
      problems.push(
        `${file}: port ${port.id}: timeZone ${JSON.stringify(timeZone)} is not an IANA time zone (e.g. ${DEFAULT_PORT_TIME_ZONE})`,
      );
    }
    return { ...port, timeZone: timeZone as string };
  });
  if (problems.length > 0) throw new ConfigurationError(problems);
  return new PortRegistry(ports);
}

/**
 * Reads both seed files, so that a wrong SEEDS_DIR or a broken file stops a service at start-up,
 * before it waits for PostgreSQL and Kafka, with every problem named at once.
 */
export function checkSeeds(seedsDir: string): void {
  const problems: string[] = [];
  for (const load of [loadPorts, loadCatalogue]) {
    try {
      load(seedsDir);
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
}

function readSeed<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (error) {
    throw new ConfigurationError([`${file}: ${(error as Error).message}`]);
  }
}

function isTimeZone(value: unknown): boolean {
  if (typeof value !== 'string' || value.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

let cachedRoot: string | null | undefined;

/** The folder holding this package's package.json, found upwards from this module. */
function packageRoot(): string | undefined {
  if (cachedRoot === undefined) {
    cachedRoot = null;
    for (let folder = __dirname; ; folder = dirname(folder)) {
      if (isPortscorePackage(join(folder, 'package.json'))) {
        cachedRoot = folder;
        break;
      }
      if (dirname(folder) === folder) break;
    }
  }
  return cachedRoot ?? undefined;
}

function isPortscorePackage(manifest: string): boolean {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'portscore';
  } catch {
    return false;
  }
}
