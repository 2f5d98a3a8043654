import { Controller, Inject, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { PortscoreConfig } from '@portscore/config';
import { incomingFiling, type IngestFilingsCommand, IngestFilingsUseCase } from '@portscore/ingest';
import type { IncomingMessage } from '@portscore/messaging';
import { CONFIG, countIngest, errorMessage, Metrics, OutageGuard } from '@portscore/runtime';
import { FilingRejectCode } from '@portscore/contracts';

/**
 * Kafka adapter: a batch of `sw.filings.v1` messages becomes one ingest command. While the
 * database or broker is unreachable the batch waits and retries (backpressure: nothing is
 * committed, nothing dead-lettered, heartbeats keep the partition). Any other failure is retried
 * a bounded number of times with growing waits, then the batch is dead-lettered
 * (retries_exhausted), so a partition is never blocked for good. Shutdown ends a wait between
 * attempts: the batch is left uncommitted and redelivered.
 */
@Controller()
export class FilingsConsumer {
  private readonly logger = new Logger(FilingsConsumer.name);

  constructor(
    private readonly ingest: IngestFilingsUseCase,
    @Inject(CONFIG) private readonly config: PortscoreConfig,
    private readonly guard: OutageGuard,
    private readonly metrics: Metrics,
  ) {}

  @EventPattern('filings')
  async handle(@Payload() messages: IncomingMessage[]): Promise<void> {
    const first = messages[0]!;
    const partition = `${first.topic}/${first.partition}`;
    const waited = Date.now() - Number(first.timestamp);
    const started = performance.now();
    const command: IngestFilingsCommand = {
      filings: messages.map(incomingFiling),
      partition: { groupId: `${this.config.kafkaClientId}-gateway`, topic: first.topic, partition: first.partition },
    };
    const origin = command.filings[0]!.origin;
    const retries = { attempts: this.config.ingestMaxAttempts, baseMs: this.config.ingestRetryBaseMs };
    // An unreachable database or broker is waited out (not counted as an attempt).
    const attempted = await this.guard.attempt(`the batch at ${origin}`, partition, retries, () =>
      this.ingest.execute(command),
    );
    if (attempted.ok) {
      const result = attempted.value;
      countIngest(this.metrics, result);
      for (const outcome of result.outcomes) {
        if (outcome.status !== 'rejected') continue;
        this.logger.warn({
          msg: 'filing dead-lettered',
          eventId: outcome.id,
          port: outcome.port,
          source: outcome.source,
          reason: outcome.reason,
          detail: outcome.detail,
          origin: outcome.origin,
        });
      }
      this.logger.log(
        `${partition} batch of ${messages.length}: ${result.accepted} accepted, ${result.duplicates} duplicate, ` +
          `${result.rejected} dead-lettered${result.alreadyProcessed ? `, ${result.alreadyProcessed} processed before` : ''} ` +
          `(oldest waited ${waited} ms; done in ${Math.round(performance.now() - started)} ms)`,
      );
      return;
    }
    const detail = `failed ${retries.attempts} times; last error: ${errorMessage(attempted.error)}`;
    this.logger.error(`dead-lettering ${messages.length} filings from ${origin}: ${detail}`);
    // Dead-lettered, the batch is dealt with: the partition is no longer failing once that succeeds.
    const deadLettered = await this.guard.run(
      `dead-lettering the batch at ${origin}`,
      () => this.ingest.deadLetterAll(command, detail),
      partition,
    );
    this.metrics.filingsReceived.inc(deadLettered);
    this.metrics.filings.inc({ outcome: 'rejected', reason: FilingRejectCode.RetriesExhausted }, deadLettered);
  }
}
