import { Controller, Inject, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { PortscoreConfig } from '@portscore/config';
import { type IngestFilingsCommand, IngestFilingsUseCase } from '@portscore/ingest';
import type { IncomingMessage } from '@portscore/messaging';
import { CONFIG, isOutage } from '@portscore/runtime';

/**
 * Kafka adapter: a batch of `sw.filings.v1` messages becomes one ingest command. While the
 * database or broker is unreachable the batch waits and retries (backpressure: nothing is
 * committed, nothing dead-lettered, heartbeats keep the partition). Any other failure is retried
 * a bounded number of times with growing waits, then the batch is dead-lettered
 * (retries_exhausted), so a partition is never blocked for good.
 */
@Controller()
export class FilingsConsumer {
  private readonly logger = new Logger(FilingsConsumer.name);

  constructor(
    private readonly ingest: IngestFilingsUseCase,
    @Inject(CONFIG) private readonly config: PortscoreConfig,
  ) {}

  @EventPattern('filings')
  async handle(@Payload() messages: IncomingMessage[]): Promise<void> {
    const first = messages[0]!;
    const command: IngestFilingsCommand = {
      filings: messages.map((message) => ({
        value: message.value,
        headers: message.headers,
        rawHeaders: message.rawHeaders,
        key: message.key,
        origin: `${message.topic}/${message.partition}/${message.offset}`,
        offset: message.offset,
      })),
      partition: { groupId: `${this.config.kafkaClientId}-gateway`, topic: first.topic, partition: first.partition },
    };
    let lastError: Error | undefined;
    let outageSince = 0;
    for (let attempt = 1; attempt <= this.config.ingestMaxAttempts; attempt += 1) {
      try {
        const result = await this.ingest.execute(command);
        this.logger.log(
          `${first.topic}/${first.partition} batch of ${messages.length}: ${result.accepted} accepted, ${result.duplicates} duplicate, ` +
            `${result.rejected} dead-lettered${result.alreadyProcessed ? `, ${result.alreadyProcessed} processed before` : ''}`,
        );
        return;
      } catch (error) {
        lastError = error as Error;
        if (isOutage(error)) {
          outageSince ||= Date.now();
          const waited = Math.round((Date.now() - outageSince) / 1000);
          this.logger.warn(
            `database or broker unreachable (${lastError.message}); holding the batch at ${command.filings[0]!.origin} for ${waited} s`,
          );
          attempt -= 1; // an outage is waited out, not counted
          await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, this.config.ingestRetryBaseMs * 4)));
          continue;
        }
        const wait = this.config.ingestRetryBaseMs * 2 ** (attempt - 1);
        this.logger.warn(
          `batch at ${command.filings[0]!.origin} failed (attempt ${attempt}): ${lastError.message}; retrying in ${wait} ms`,
        );
        if (attempt < this.config.ingestMaxAttempts) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
    const detail = `failed ${this.config.ingestMaxAttempts} times; last error: ${lastError?.message}`;
    this.logger.error(`dead-lettering ${messages.length} filings from ${command.filings[0]!.origin}: ${detail}`);
    await this.ingest.deadLetterAll(command, detail);
  }
}
