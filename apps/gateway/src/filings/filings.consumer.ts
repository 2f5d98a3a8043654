import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { IncomingMessage } from '@portscore/messaging';

import { IngestFilingsUseCase } from './ingest-filings.usecase';

/** Kafka adapter: a batch of `sw.filings.v1` messages becomes one ingest command. */
@Controller()
export class FilingsConsumer {
  private readonly logger = new Logger(FilingsConsumer.name);

  constructor(private readonly ingest: IngestFilingsUseCase) {}

  @EventPattern('filings')
  async handle(@Payload() messages: IncomingMessage[]): Promise<void> {
    const result = await this.ingest.execute({
      filings: messages.map((message) => ({
        value: message.value,
        headers: message.headers,
        rawHeaders: message.rawHeaders,
        key: message.key,
        origin: `${message.topic}/${message.partition}/${message.offset}`,
      })),
    });
    this.logger.log(
      `batch of ${messages.length}: ${result.accepted} accepted, ${result.duplicates} duplicate, ${result.rejected} dead-lettered`,
    );
  }
}
