import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { SERVICE_NODE_OPTIONS, serviceArguments } from './service-command';

const ROOT = join(__dirname, '..', '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

describe('service start commands', () => {
  it('puts the Node.js options before the path preload and the entry point, extra options after their own', () => {
    expect(serviceArguments('scorer', '/srv/portscore', ['--cpu-prof'])).toEqual([
      '--max-old-space-size=176',
      '--heap-growing-percent=100',
      '--max-semi-space-size=8',
      '--single-threaded-gc',
      '--cpu-prof',
      '-r',
      '/srv/portscore/bin/register-paths.js',
      '/srv/portscore/dist/apps/scorer/src/main.js',
    ]);
    expect(serviceArguments('api', '/srv/portscore')).toEqual([
      '-r',
      '/srv/portscore/bin/register-paths.js',
      '/srv/portscore/dist/apps/api/src/main.js',
    ]);
  });

  // Each deployment starts every service with the options the benchmarks measured.
  it.each(['docker-compose.yml', 'deploy/k8s/portscore.yaml'])('%s starts each service with them', (file) => {
    const text = read(file);
    for (const [service, options] of Object.entries(SERVICE_NODE_OPTIONS)) {
      const command = JSON.stringify([
        'node',
        ...options,
        '-r',
        './bin/register-paths.js',
        `dist/apps/${service}/src/main.js`,
      ]).replaceAll(',', ', ');
      expect(text).toContain(`command: ${command}`);
    }
  });

  it('package.json start scripts start each service with them', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    for (const [service, options] of Object.entries(SERVICE_NODE_OPTIONS))
      expect(scripts[`start:${service}`]).toBe(
        ['node', ...options, '-r', './bin/register-paths.js', `dist/apps/${service}/src/main.js`].join(' '),
      );
  });
});
