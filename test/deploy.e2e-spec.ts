import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'yaml';

import { ROOT } from './setup/e2e-environment';

function validate(...files: string[]) {
  const result = spawnSync(process.execPath, [join(ROOT, 'deploy/k8s/validate.mjs'), ...files], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: result.status, output: result.stdout + result.stderr };
}

/**
 * The deployment files: Kubernetes, Strimzi and CloudNativePG manifests valid against their API
 * schemas (kubernetes-models), and a docker-compose.yml that runs every service with probes.
 */
describe('deployment manifests', () => {
  it('validates every manifest of deploy/k8s against the Kubernetes, Strimzi and CloudNativePG schemas', () => {
    const { status, output } = validate();
    expect(output).toContain('23 documents, 0 problems');
    expect(status).toBe(0);
    for (const kind of ['Kafka', 'KafkaNodePool', 'KafkaTopic', 'KafkaUser', 'Cluster', 'ScheduledBackup']) {
      expect(output).toContain(`: ${kind} `);
    }
    for (const service of ['gateway', 'scorer', 'api']) {
      expect(output).toContain(`Deployment portscore-${service}`);
    }
  });

  it('rejects manifests that break the schemas, naming the field', () => {
    const { status, output } = validate(join(ROOT, 'test/fixtures/deploy/broken-manifests.yaml'));
    expect(status).toBe(1);
    expect(output).toContain('data/spec/replicas must be integer');
    expect(output).toContain('readinessProbe/httpGet must have required property port');
    expect(output).toContain('KafkaTopic t: data/spec/partitions must be integer');
    expect(output).toContain('Cluster pg: data/spec/primaryUpdateStrategy must be equal to one of the allowed values');
    expect(output).toContain('3 documents, 3 problems');
  });

  it('gives every service replicas, resources and the three probes on its own HTTP port', () => {
    const documents = readFileSync(join(ROOT, 'deploy/k8s/portscore.yaml'), 'utf8')
      .split(/^---$/m)
      .map((text) => parse(text) as { kind: string; metadata: { name: string }; spec: any; data?: any });
    const config = documents.find((d) => d.kind === 'ConfigMap')!.data as Record<string, string>;
    const ports: Record<string, string> = {
      gateway: config.GATEWAY_HTTP_PORT!,
      scorer: config.SCORER_HTTP_PORT!,
      api: config.API_PORT!,
    };
    for (const service of ['gateway', 'scorer', 'api']) {
      const deployment = documents.find((d) => d.kind === 'Deployment' && d.metadata.name === `portscore-${service}`)!;
      expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
      const container = deployment.spec.template.spec.containers[0];
      expect(String(container.ports[0].containerPort)).toBe(ports[service]);
      expect(container.resources.requests.memory).toBeDefined();
      expect(container.livenessProbe.httpGet.path).toBe('/health');
      expect(container.readinessProbe.httpGet.path).toBe('/ready');
      expect(container.startupProbe.httpGet.path).toBe('/health');
      expect(deployment.spec.template.metadata.annotations['prometheus.io/port']).toBe(ports[service]);
    }
  });

  it('keeps docker-compose.yml complete: broker, database and every service with a health check', () => {
    const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, { healthcheck?: unknown; command?: string[] }>;
    };
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'gateway', 'kafka', 'postgres', 'scorer']);
    for (const service of ['gateway', 'scorer', 'api', 'kafka', 'postgres']) {
      expect([service, compose.services[service]!.healthcheck]).toEqual([service, expect.anything()]);
    }
  });
});

/** The built services, as deployed: kafkajs's producer runs with the fast paths in place. */
describe('built services', () => {
  it.each(['gateway', 'scorer'])(
    'the %s loads kafkajs with the one-pass grouping, record encoding and decoding, and the faster checksum',
    (service) => {
      const script =
        `require(${JSON.stringify(join(ROOT, `dist/apps/${service}/src/${service}.module.js`))});` +
        `const messaging = require('@portscore/messaging');` +
        `const loaded = (request) => require.cache[require.resolve(request)].exports;` +
        `process.stdout.write(JSON.stringify({ ...messaging.kafkajsFastPaths,` +
        ` groupingCached: loaded('kafkajs/src/producer/groupMessagesPerPartition') === messaging.groupMessagesPerPartition,` +
        ` recordsCached: loaded('kafkajs/src/protocol/recordBatch/record/v0') === messaging.encodeRecord,` +
        ` fetchedCached: loaded('kafkajs/src/protocol/recordBatch/record/v0/decoder') === messaging.decodeRecord,` +
        ` checksumsCached: loaded('kafkajs/src/protocol/recordBatch/crc32C/crc32C') === messaging.crc32C }));`;
      const result = spawnSync(process.execPath, ['-r', join(ROOT, 'bin/register-paths.js'), '-e', script], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual({
        grouping: true,
        records: true,
        fetchedRecords: true,
        checksums: true,
        groupingCached: true,
        recordsCached: true,
        fetchedCached: true,
        checksumsCached: true,
      });
    },
  );
});
