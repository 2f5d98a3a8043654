import { Controller, Inject, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { PortscoreConfig } from '@portscore/config';
import { type CanonicalEvent, FilingRejectCode, isRecord } from '@portscore/contracts';
import type { IncomingMessage } from '@portscore/messaging';
import { CONFIG, errorMessage, isOutage, Metrics, OutageGuard, StoppedDuringOutage } from '@portscore/runtime';

import { IndicatorOutbox, type ScoreEventsResult, ScoreEventsUseCase, type ScoreTimings } from '@portscore/scoring';

import { EVENT_DEAD_LETTERS, type EventDeadLetters, type FailedEvent } from './event-quarantine';

/** A message of the batch with the event it carries. */
interface Scorable {
  message: IncomingMessage;
  event: CanonicalEvent;
}

/**
 * Kafka adapter: a batch of canonical events is scored, then changed indicators are published.
 * While the database or broker is unreachable the batch waits and retries. Any other failure is
 * retried `INGEST_MAX_ATTEMPTS` times with growing waits; then the batch is scored in halves, and
 * halves of the halves that fail, until each event that fails on its own is found. Those are
 * dead-lettered (`scoring_failed`) and the rest scored, so one bad event never stops its
 * partition. Scoring an event twice changes nothing (its milestones keep their earliest time), so
 * the halves may repeat what an attempt before them did.
 */
@Controller()
export class EventsConsumer {
  private readonly logger = new Logger(EventsConsumer.name);

  constructor(
    private readonly scoreEvents: ScoreEventsUseCase,
    private readonly outbox: IndicatorOutbox,
    private readonly guard: OutageGuard,
    private readonly metrics: Metrics,
    @Inject(CONFIG) private readonly config: Pick<PortscoreConfig, 'ingestMaxAttempts' | 'ingestRetryBaseMs'>,
    @Inject(EVENT_DEAD_LETTERS) private readonly deadLetters: EventDeadLetters,
  ) {}

  @EventPattern('events')
  async handle(@Payload() messages: IncomingMessage[]): Promise<void> {
    const first = messages[0]!;
    const partition = `${first.topic}/${first.partition}`;
    const origin = `${partition}/${first.offset}`;
    const waited = Date.now() - Number(first.timestamp);
    const started = performance.now();
    const { scorable, failed } = readEvents(messages);
    const result = emptyResult();
    if (scorable.length > 0) {
      const outcome = await this.scoreWithRetries(scorable, partition, origin);
      addResult(result, outcome.result);
      failed.push(...outcome.failed);
    }
    if (failed.length > 0) {
      for (const { message, detail, event } of failed) {
        this.logger.error({
          msg: 'event dead-lettered',
          eventId: event?.id,
          port: event?.port,
          source: event?.source,
          reason: FilingRejectCode.ScoringFailed,
          detail,
          origin: `${message.topic}/${message.partition}/${message.offset}`,
        });
      }
      await this.guard.run(
        `dead-lettering ${failed.length} events of the batch at ${origin}`,
        () => this.deadLetters.deadLetter(failed),
        partition,
      );
      this.metrics.eventsQuarantined.inc(failed.length);
    }
    this.metrics.databaseSeconds.observe({ operation: 'score' }, (performance.now() - started) / 1000);
    this.metrics.eventsScored.inc(result.eventsScored);
    this.metrics.windowsRecomputed.inc(result.windowsRecomputed);
    // Published in the background: the next batch need not wait for the broker's acknowledgements.
    this.outbox.request((error) => {
      // During an outage the periodic sweep tries again; the values stay pending until then.
      if (!isOutage(error)) this.logger.error(`publishing indicators failed: ${String(error)}`);
    });
    this.logger.log(
      `batch of ${messages.length}: ${result.eventsScored} scored, ${result.windowsRecomputed} windows, ` +
        `${result.indicatorsChanged} indicators and ${result.scoresChanged} scores changed` +
        (failed.length > 0 ? `, ${failed.length} dead-lettered` : '') +
        ` (oldest waited ${waited} ms; scored in ${Math.round(performance.now() - started)} ms: ${phases(result.timings)})`,
    );
  }

  /** The whole batch, attempted `INGEST_MAX_ATTEMPTS` times; then its events that fail on their own are isolated. */
  private async scoreWithRetries(
    scorable: Scorable[],
    partition: string,
    origin: string,
  ): Promise<{ result: ScoreEventsResult; failed: FailedEvent[] }> {
    const attempts = this.config.ingestMaxAttempts;
    const attempted = await this.guard.attempt(
      `the batch at ${origin}`,
      partition,
      { attempts, baseMs: this.config.ingestRetryBaseMs },
      () => this.execute(scorable),
    );
    if (attempted.ok) return { result: attempted.value, failed: [] };
    const lastError = attempted.error;
    this.logger.error(
      `batch at ${origin} failed ${attempts} times (last error: ${errorMessage(lastError)}); ` +
        `scoring it in parts to find the events it fails on`,
    );
    return this.isolate(scorable, partition, lastError);
  }

  /** Scores the two halves of events that failed together, and so on down to single events. */
  private async isolate(
    scorable: Scorable[],
    partition: string,
    error: unknown,
  ): Promise<{ result: ScoreEventsResult; failed: FailedEvent[] }> {
    if (scorable.length === 1) {
      const detail = `scoring failed ${this.config.ingestMaxAttempts} times in its batch, then on its own: ${errorMessage(error)}`;
      return { result: emptyResult(), failed: [{ ...scorable[0]!, detail }] };
    }
    const result = emptyResult();
    const failed: FailedEvent[] = [];
    const middle = Math.ceil(scorable.length / 2);
    for (const part of [scorable.slice(0, middle), scorable.slice(middle)]) {
      const { offset } = part[0]!.message;
      try {
        addResult(result, await this.score(part, partition, `${part.length} events from ${partition}/${offset}`));
      } catch (partError) {
        if (partError instanceof StoppedDuringOutage) throw partError;
        const inner = await this.isolate(part, partition, partError);
        addResult(result, inner.result);
        failed.push(...inner.failed);
      }
    }
    return { result, failed };
  }

  /** One transaction; an outage is waited out, any other failure is the caller's. */
  private score(scorable: Scorable[], partition: string, what: string): Promise<ScoreEventsResult> {
    // A failure other than an outage is shown on /health and portscore_failing_work until work of
    // the partition succeeds.
    return this.guard.run(what, () => this.execute(scorable), partition);
  }

  private execute(scorable: Scorable[]): Promise<ScoreEventsResult> {
    return this.scoreEvents.execute({ events: scorable.map((s) => s.event) });
  }
}

/** The batch's events; a message that is no JSON object cannot ever be scored, and is dead-lettered at once. */
function readEvents(messages: IncomingMessage[]): { scorable: Scorable[]; failed: FailedEvent[] } {
  const scorable: Scorable[] = [];
  const failed: FailedEvent[] = [];
  for (const item of messages) {
    let event: unknown;
    try {
      event = JSON.parse(item.value.toString('utf8'));
    } catch (error) {
      failed.push({ message: item, detail: `not a canonical event: ${errorMessage(error)}` });
      continue;
    }
    if (isRecord(event)) scorable.push({ message: item, event: event as unknown as CanonicalEvent });
    else failed.push({ message: item, detail: 'not a canonical event: the message is not a JSON object' });
  }
  return { scorable, failed };
}

function emptyResult(): ScoreEventsResult {
  return { eventsScored: 0, windowsRecomputed: 0, indicatorsChanged: 0, scoresChanged: 0 };
}

function addResult(total: ScoreEventsResult, part: ScoreEventsResult): void {
  total.eventsScored += part.eventsScored;
  total.windowsRecomputed += part.windowsRecomputed;
  total.indicatorsChanged += part.indicatorsChanged;
  total.scoresChanged += part.scoresChanged;
  if (!part.timings) return;
  if (!total.timings) total.timings = { ...part.timings };
  else
    for (const phase of Object.keys(part.timings) as Array<keyof ScoreTimings>)
      total.timings[phase] += part.timings[phase];
}
function phases(timings: ScoreTimings | undefined): string {
  if (!timings) return '';
  return Object.entries(timings)
    .map(([phase, ms]) => `${phase.replace(/Ms$/, '')} ${Math.round(ms)}`)
    .join(', ');
}
