/**
 * What the bench reads from a service's /metrics: counters it waits on, and the histograms of its
 * consumed batches (one reading before and one after the latency phase, and the batches between).
 */

/** The service's Prometheus text exposition. */
export async function metricsText(httpPort: number, service: string): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${httpPort}/metrics`);
  if (!response.ok) throw new Error(`the ${service}'s /metrics answered ${response.status}`);
  return response.text();
}

/** A metric's value summed over its series (labels); 0 when it has none yet. */
export function metricTotal(text: string, name: string): number {
  let sum = 0;
  for (const match of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) sum += Number(match[1]);
  return sum;
}

/** A service's consumed batches so far, all topics together. */
export interface BatchTotals {
  batches: number;
  messages: number;
  /** Seconds the batches' first messages waited, from their record timestamps to the hand-over. */
  waitedSeconds: number;
  /** Seconds from hand-over to commit. */
  handledSeconds: number;
}

export async function batchTotals(httpPort: number, service: string): Promise<BatchTotals> {
  return parseBatchTotals(await metricsText(httpPort, service));
}

/** The totals from a Prometheus text exposition, summed over every series (topic) of each histogram. */
export function parseBatchTotals(text: string): BatchTotals {
  return {
    batches: metricTotal(text, 'portscore_batch_duration_seconds_count'),
    messages: metricTotal(text, 'portscore_batch_messages_sum'),
    waitedSeconds: metricTotal(text, 'portscore_batch_wait_seconds_sum'),
    handledSeconds: metricTotal(text, 'portscore_batch_duration_seconds_sum'),
  };
}

/** The batches between two readings: how many, and their mean size, first message's wait and handling time. */
export function batchesBetween(
  before: BatchTotals,
  after: BatchTotals,
): { batches: number; meanMessages: number; meanWaitedMs: number; meanHandledMs: number } {
  const batches = after.batches - before.batches;
  const mean = (value: number) => (batches > 0 ? value / batches : 0);
  return {
    batches,
    meanMessages: Math.round(mean(after.messages - before.messages)),
    meanWaitedMs: Math.round(mean(after.waitedSeconds - before.waitedSeconds) * 1000),
    meanHandledMs: Math.round(mean(after.handledSeconds - before.handledSeconds) * 1000),
  };
}

/** The indicator and score messages a scorer has published so far, both topics together. */
export async function updatesPublished(httpPort: number): Promise<number> {
  return metricTotal(await metricsText(httpPort, 'scorer'), 'portscore_published_total');
}
