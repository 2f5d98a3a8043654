// Resolves the @portscore/* path aliases of the compiled monorepo (dist/libs/<name>/src).
const path = require('node:path');
const tsConfigPaths = require('tsconfig-paths');

const dist = path.join(__dirname, '..', 'dist');
tsConfigPaths.register({
  baseUrl: dist,
  paths: { '@portscore/*': ['libs/*/src'] },
  addMatchAll: false,
});
