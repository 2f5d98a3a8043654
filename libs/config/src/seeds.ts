import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

import { type Catalogue, MeasureCatalogue } from '@portscore/catalogue';
import { type Port, PortRegistry } from '@portscore/contracts';

/** Resolves the seeds folder: absolute, or relative to the working directory, else to the repository. */
export function seedsPath(seedsDir: string, file: string): string {
  if (isAbsolute(seedsDir)) return join(seedsDir, file);
  return resolve(process.cwd(), seedsDir, file);
}

export function loadCatalogue(seedsDir: string): MeasureCatalogue {
  const data = JSON.parse(readFileSync(seedsPath(seedsDir, 'catalogue.json'), 'utf8')) as Catalogue;
  return new MeasureCatalogue(data);
}

export function loadPorts(seedsDir: string): PortRegistry {
  const data = JSON.parse(readFileSync(seedsPath(seedsDir, 'ports.json'), 'utf8')) as { ports: Port[] };
  for (const port of data.ports) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: port.timeZone });
    } catch {
      throw new Error(`seeds/ports.json: port ${port.id} has an unknown time zone ${port.timeZone}`);
    }
  }
  return new PortRegistry(data.ports);
}
