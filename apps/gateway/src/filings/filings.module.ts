import { Module } from '@nestjs/common';
import { FilingValidator } from '@portscore/contracts';
import { KafkaBus } from '@portscore/messaging';
import { PgFilingReceiptStore } from '@portscore/persistence';
import type { PortscoreConfig } from '@portscore/config';
import { DataSource } from 'typeorm';

import { CONFIG, PORTS } from '@portscore/runtime';
import { FilingsConsumer } from './filings.consumer';
import { IngestFilingsUseCase } from './ingest-filings.usecase';

@Module({
  controllers: [FilingsConsumer],
  providers: [
    {
      provide: FilingValidator,
      inject: [CONFIG, PORTS],
      useFactory: (config: PortscoreConfig, ports) =>
        new FilingValidator({ ports, maxBytes: config.maxFilingBytes, maxFutureMs: config.maxFutureMinutes * 60_000 }),
    },
    {
      provide: IngestFilingsUseCase,
      inject: [FilingValidator, DataSource, KafkaBus, CONFIG],
      useFactory: (validator: FilingValidator, dataSource: DataSource, bus: KafkaBus, config: PortscoreConfig) =>
        new IngestFilingsUseCase(validator, new PgFilingReceiptStore(dataSource), bus, {
          events: config.topics.events,
          deadLetters: config.topics.deadLetters,
        }),
    },
  ],
  exports: [IngestFilingsUseCase],
})
export class FilingsModule {}
