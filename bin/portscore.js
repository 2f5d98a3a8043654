#!/usr/bin/env node
// `npx portscore …`: the command-line interface (built into dist/ by `npm run build`).
const fs = require('node:fs');
const path = require('node:path');

const entry = path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!fs.existsSync(entry)) {
  console.error('portscore: not built yet; run `npm run build` first.');
  process.exit(2);
}
require('./register-paths');
require(entry);
