#!/usr/bin/env node
// `npm run bench…`: node bin/bench.js pipeline|gateway|scorer|api [OPTIONS]. `--help` / `-h` is
// answered at once from apps/bench/usage/; otherwise builds (npm run build) and runs the bench,
// which checks its options itself.
const { spawn, spawnSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { constants } = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
// Node.js options of each bench: the pipeline bench holds a million simulated filings.
const benches = {
  pipeline: ['--max-old-space-size=6144'],
  gateway: [],
  scorer: [],
  api: [],
};

const [name, ...args] = process.argv.slice(2);
if (!Object.hasOwn(benches, name ?? '')) {
  console.error(`[bench] which bench? one of ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
if (args.some((arg) => arg === '--help' || arg === '-h')) {
  process.stdout.write(readFileSync(path.join(root, 'apps', 'bench', 'usage', `${name}.txt`), 'utf8'));
  process.exit(0);
}
const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const bench = spawn(
  process.execPath,
  [
    ...benches[name],
    '-r',
    path.join(__dirname, 'register-paths.js'),
    path.join(root, 'dist', 'apps', 'bench', 'src', `${name}-bench.js`),
    ...args,
  ],
  { cwd: root, stdio: 'inherit' },
);
// The bench stops what it started on SIGINT / SIGTERM and then exits; this process waits for it.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => bench.kill(signal));
bench.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
