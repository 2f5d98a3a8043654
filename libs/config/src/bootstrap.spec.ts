import { join } from 'node:path';

import { loadServiceConfig } from './bootstrap';
import { ConfigurationError } from './portscore-config';

describe('loadServiceConfig', () => {
  it('reports a SEEDS_DIR without the seed files as a configuration problem, before anything starts', () => {
    let error: unknown;
    try {
      loadServiceConfig({ SEEDS_DIR: '/nope' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).message).toContain(
      'SEEDS_DIR=/nope: no ports.json at /nope/ports.json; set SEEDS_DIR to the folder that holds catalogue.json and ports.json',
    );
    expect((error as ConfigurationError).message).toContain(
      'SEEDS_DIR=/nope: no catalogue.json at /nope/catalogue.json',
    );
  });

  it('reports bad settings first: the seeds are looked for once the settings are valid', () => {
    let error: unknown;
    try {
      loadServiceConfig({ SEEDS_DIR: '/nope', API_PORT: '0' });
    } catch (caught) {
      error = caught;
    }
    expect((error as ConfigurationError).problems).toEqual(['API_PORT=0: expected a whole number from 1 to 65535']);
  });

  it('returns the configuration when the settings and the seeds are good', () => {
    const seeds = join(__dirname, '..', '..', '..', 'seeds');
    expect(loadServiceConfig({ SEEDS_DIR: seeds }).seedsDir).toBe(seeds);
  });
});
