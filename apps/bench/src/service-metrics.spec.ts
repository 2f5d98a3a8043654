import { batchesBetween, metricTotal, parseBatchTotals } from './service-metrics';

interface Series {
  batches: number;
  handled: number;
  waited: number;
  messages: number;
}

/** The lines a gateway's /metrics has for one topic's batches (a bucket line, and another count). */
const topicLines = (topic: string, s: Series) => {
  const labels = `topic="${topic}",service="gateway"`;
  return [
    `portscore_batch_duration_seconds_bucket{le="+Inf",${labels}} ${s.batches}`,
    `portscore_batch_duration_seconds_sum{${labels}} ${s.handled}`,
    `portscore_batch_duration_seconds_count{${labels}} ${s.batches}`,
    `portscore_batch_wait_seconds_sum{${labels}} ${s.waited}`,
    `portscore_batch_messages_sum{${labels}} ${s.messages}`,
    `portscore_batch_messages_count{${labels}} 999`,
  ].join('\n');
};

describe('batch totals from /metrics', () => {
  it('sums each histogram over its topics, leaving buckets and other series out', () => {
    const text = [
      '# TYPE portscore_batch_duration_seconds histogram',
      topicLines('sw.filings.v1', { batches: 10, handled: 0.5, waited: 2.5, messages: 1200 }),
      topicLines('sw.events.v1', { batches: 2, handled: 0.25, waited: 0.5, messages: 300 }),
      'portscore_process_cpu_seconds_total{service="gateway"} 12.5',
    ].join('\n');
    expect(parseBatchTotals(text)).toEqual({
      batches: 12,
      handledSeconds: 0.75,
      waitedSeconds: 3,
      messages: 1500,
    });
  });

  it("reads a counter, as the bench waits on the scorer's events scored", () => {
    const text = [
      '# TYPE portscore_events_scored_total counter',
      'portscore_events_scored_total{service="scorer"} 400',
      'portscore_events_quarantined_total{service="scorer"} 3',
    ].join('\n');
    expect(metricTotal(text, 'portscore_events_scored_total')).toBe(400);
    expect(metricTotal(text, 'portscore_windows_recomputed_total')).toBe(0);
  });

  it("adds up the scorer's published updates over both topics", () => {
    const text = [
      '# TYPE portscore_published_total counter',
      'portscore_published_total{topic="sw.indicators.v1",service="scorer"} 1500',
      'portscore_published_total{topic="sw.scores.v1",service="scorer"} 820',
      'portscore_published_totalx{service="scorer"} 7',
    ].join('\n');
    expect(metricTotal(text, 'portscore_published_total')).toBe(2320);
  });

  it('is all zeros for a service that has consumed nothing yet', () => {
    expect(parseBatchTotals('portscore_outage{service="scorer"} 0\n')).toEqual({
      batches: 0,
      messages: 0,
      waitedSeconds: 0,
      handledSeconds: 0,
    });
  });

  it('gives the means of the batches between two readings', () => {
    const before = { batches: 100, messages: 12_000, waitedSeconds: 20, handledSeconds: 5 };
    const after = { batches: 500, messages: 68_000, waitedSeconds: 122.8, handledSeconds: 27 };
    // 400 batches: 56,000 messages, 102.8 s waited and 22 s handled.
    expect(batchesBetween(before, after)).toEqual({
      batches: 400,
      meanMessages: 140,
      meanWaitedMs: 257,
      meanHandledMs: 55,
    });
    expect(batchesBetween(after, after)).toEqual({ batches: 0, meanMessages: 0, meanWaitedMs: 0, meanHandledMs: 0 });
  });
});
