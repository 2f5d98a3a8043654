#!/usr/bin/env node
// Validates Kubernetes manifests against the API schemas of Kubernetes, Strimzi and CloudNativePG
// (the kubernetes-models packages from npm). Usage: node deploy/k8s/validate.mjs [FILE.yaml ...]
// (default: every manifest of deploy/k8s). Prints one line per document; exit 1 on any problem.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { parseAllDocuments } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
const files = process.argv.slice(2).length
  ? process.argv.slice(2)
  : readdirSync(here)
      .filter((name) => name.endsWith('.yaml') && name !== 'kustomization.yaml')
      .map((name) => join(here, name));

/** apiVersion → module exporting a class per kind. */
const modules = {
  v1: 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'policy/v1': 'kubernetes-models/policy/v1',
  'autoscaling/v2': 'kubernetes-models/autoscaling/v2',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
  'kafka.strimzi.io/v1beta2': '@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1beta2',
  'postgresql.cnpg.io/v1': '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1',
};

let problems = 0;
let documents = 0;
for (const file of files) {
  for (const document of parseAllDocuments(readFileSync(file, 'utf8'))) {
    if (document.errors.length > 0) {
      problems += 1;
      console.log(`✗ ${file}: YAML: ${document.errors.map((e) => e.message).join('; ')}`);
      continue;
    }
    const manifest = document.toJS();
    if (!manifest) continue;
    documents += 1;
    const name = `${file}: ${manifest.kind ?? '?'} ${manifest.metadata?.name ?? '?'}`;
    const module = modules[manifest.apiVersion];
    if (!module) {
      problems += 1;
      console.log(`✗ ${name}: no schema known for apiVersion ${manifest.apiVersion}`);
      continue;
    }
    const Kind = (await import(module))[manifest.kind];
    if (typeof Kind !== 'function') {
      problems += 1;
      console.log(`✗ ${name}: ${manifest.apiVersion} has no kind ${manifest.kind}`);
      continue;
    }
    try {
      new Kind(manifest).validate();
      console.log(`✓ ${name}`);
    } catch (error) {
      problems += 1;
      console.log(`✗ ${name}: ${error.message}`);
    }
  }
}
console.log(`${documents} documents, ${problems} problems`);
process.exit(problems === 0 && documents > 0 ? 0 : 1);
