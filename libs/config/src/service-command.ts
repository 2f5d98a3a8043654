import { join } from 'node:path';

/**
 * How each service process is started. The gateway and the scorer run with a bounded V8 heap:
 * their live data is about 100–130 MB, but between major collections V8 lets the heap grow with
 * each batch's garbage (fetched messages, parsed events, insert documents) to 500 MB and more,
 * above the 512 MiB container limit of the deployment. With an old space of 192 MB they collect
 * earlier and stay near 250–280 MB (figures in docs/benchmarks.md); 176 MB with the growth below.
 * After a major collection V8 lets the old space grow by a factor it picks from the heap's size
 * and speed, which for a heap this small left the next collection only a few batches away (in the
 * 2,000 filings/s benchmark the scorer ran one every 450 ms, its incremental marking most of its
 * collection time); `--heap-growing-percent=100` lets it double instead, within the cap: 12–15 %
 * less CPU in each service and 6 % more throughput end to end in the 300,000-filing benchmark,
 * at the same peak RSS. Their young generation is
 * halved (8 MB semi-spaces, 16 by default): a batch's data outlives many scavenges whatever
 * their size, and the smaller one kept peak RSS about 20 MB lower at the same CPU in the
 * 300,000-filing benchmark. And they collect on their own thread: each is sized for one core at
 * most (the deployment's CPU requests), where V8's helper threads only compete with the service
 * and the database for the same cores — with them off, the 300,000-filing benchmark used 5–10 %
 * less CPU in each service. docker-compose.yml,
 * deploy/k8s/portscore.yaml, the npm start scripts, the launcher and the benchmarks all start the
 * services with these options (a unit test checks the deployment files).
 */
export const SERVICE_NODE_OPTIONS: Readonly<Record<'gateway' | 'scorer' | 'api', readonly string[]>> = {
  gateway: [
    '--max-old-space-size=176',
    '--heap-growing-percent=100',
    '--max-semi-space-size=8',
    '--single-threaded-gc',
  ],
  scorer: ['--max-old-space-size=176', '--heap-growing-percent=100', '--max-semi-space-size=8', '--single-threaded-gc'],
  api: [],
};

export type ServiceName = keyof typeof SERVICE_NODE_OPTIONS;

/**
 * The arguments of `node` that start a built service from the project root; `extraOptions` come
 * after the service's own (of two `--max-old-space-size`, the later wins).
 */
export function serviceArguments(service: ServiceName, root: string, extraOptions: readonly string[] = []): string[] {
  return [
    ...SERVICE_NODE_OPTIONS[service],
    ...extraOptions,
    '-r',
    join(root, 'bin/register-paths.js'),
    join(root, `dist/apps/${service}/src/main.js`),
  ];
}
