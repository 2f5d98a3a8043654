import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { CanonicalEvent } from '@portscore/contracts';
import type { IncomingMessage } from '@portscore/messaging';
import { isOutage, Metrics, OutageGuard } from '@portscore/runtime';

import { IndicatorOutbox, ScoreEventsUseCase, type ScoreTimings } from '@portscore/scoring';

/** Kafka adapter: a batch of canonical events is scored, then changed indicators are published. */
@Controller()
export class EventsConsumer {
  private readonly logger = new Logger(EventsConsumer.name);

  constructor(
    private readonly scoreEvents: ScoreEventsUseCase,
    private readonly outbox: IndicatorOutbox,
    private readonly guard: OutageGuard,
    private readonly metrics: Metrics,
  ) {}

  @EventPattern('events')
  async handle(@Payload() messages: IncomingMessage[]): Promise<void> {
    // The gateway wrote these; anything unreadable here is a bug worth stopping for, not data.
    const events = messages.map((message) => JSON.parse(message.value.toString('utf8')) as CanonicalEvent);
    const waited = Date.now() - Number(messages[0]!.timestamp);
    // While the database or broker is away the batch is held (uncommitted) and retried.
    const started = performance.now();
    // A failure other than an outage is rethrown (the batch is fetched again) and shown on
    // /health and portscore_failing_work until a batch of the partition succeeds.
    const result = await this.guard.run(
      `a batch at ${messages[0]!.topic}/${messages[0]!.partition}/${messages[0]!.offset}`,
      () => this.scoreEvents.execute({ events }),
      `${messages[0]!.topic}/${messages[0]!.partition}`,
    );
    this.metrics.databaseSeconds.observe({ operation: 'score' }, (performance.now() - started) / 1000);
    this.metrics.eventsScored.inc(result.newEvents);
    this.metrics.windowsRecomputed.inc(result.windowsRecomputed);
    // Published in the background: the next batch need not wait for the broker's acknowledgements.
    this.outbox.request((error) => {
      // During an outage the periodic sweep tries again; the values stay pending until then.
      if (!isOutage(error)) this.logger.error(`publishing indicators failed: ${String(error)}`);
    });
    this.logger.log(
      `batch of ${messages.length}: ${result.newEvents} new, ${result.windowsRecomputed} windows, ` +
        `${result.indicatorsChanged} indicators and ${result.scoresChanged} scores changed ` +
        `(oldest waited ${waited} ms; scored in ${Math.round(performance.now() - started)} ms: ${phases(result.timings)})`,
    );
  }
}

function phases(timings: ScoreTimings | undefined): string {
  if (!timings) return '';
  return Object.entries(timings)
    .map(([phase, ms]) => `${phase.replace(/Ms$/, '')} ${Math.round(ms)}`)
    .join(', ');
}
