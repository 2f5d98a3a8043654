import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { contractDocuments } from '@portscore/contracts';

export const DOCS_HELP = `Usage: portscore docs

Regenerates docs/asyncapi.json and docs/schemas/*.json of this installation from the event
contracts (overwriting them).`;

/** Regenerates docs/asyncapi.json and docs/schemas/*.json from the contracts. */
export function docsCommand(root: string): number {
  for (const [path, content] of Object.entries(contractDocuments())) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    console.log(`wrote ${path}`);
  }
  return 0;
}
