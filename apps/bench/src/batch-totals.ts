/**
 * A service's consumed batches, read from the histograms on its /metrics: the pipeline bench takes
 * one reading before and one after its latency phase, and reports the batches between them.
 */

/** A service's consumed batches so far, all topics together. */
export interface BatchTotals {
  batches: number;
  messages: number;
  /** Seconds the batches' first messages waited, from their record timestamps to the hand-over. */
  waitedSeconds: number;
  /** Seconds from hand-over to commit. */
  handledSeconds: number;
}

export async function batchTotals(httpPort: number): Promise<BatchTotals> {
  const response = await fetch(`http://127.0.0.1:${httpPort}/metrics`);
  if (!response.ok) throw new Error(`/metrics on port ${httpPort} answered ${response.status}`);
  return parseBatchTotals(await response.text());
}

/** The totals from a Prometheus text exposition, summed over every series (topic) of each histogram. */
export function parseBatchTotals(text: string): BatchTotals {
  const total = (name: string) => {
    let sum = 0;
    for (const match of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) sum += Number(match[1]);
    return sum;
  };
  return {
    batches: total('portscore_batch_duration_seconds_count'),
    messages: total('portscore_batch_messages_sum'),
    waitedSeconds: total('portscore_batch_wait_seconds_sum'),
    handledSeconds: total('portscore_batch_duration_seconds_sum'),
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
