import { Module } from '@nestjs/common';
import type { PortscoreConfig } from '@portscore/config';
import { FilingValidator, type PortRegistry } from '@portscore/contracts';
import { KafkaBus } from '@portscore/messaging';
import { PgIngestStore } from '@portscore/persistence';
import { CONFIG, PORTS } from '@portscore/runtime';
import { DataSource } from 'typeorm';

import { IngestFilingsUseCase } from './ingest-filings.usecase';

export const INGEST_STORE = Symbol('IngestStore');

/** The ingest use case with its validator, store and publisher, for the Kafka and HTTP adapters. */
@Module({
  providers: [
    {
      provide: FilingValidator,
      inject: [CONFIG, PORTS],
      useFactory: (config: PortscoreConfig, ports: PortRegistry) =>
        new FilingValidator({ ports, maxBytes: config.maxFilingBytes, maxFutureMs: config.maxFutureMinutes * 60_000 }),
    },
    {
      provide: INGEST_STORE,
      inject: [DataSource],
      useFactory: (dataSource: DataSource) => new PgIngestStore(dataSource),
    },
    {
      provide: IngestFilingsUseCase,
      inject: [FilingValidator, INGEST_STORE, KafkaBus, CONFIG],
      useFactory: (validator: FilingValidator, store: PgIngestStore, bus: KafkaBus, config: PortscoreConfig) =>
        new IngestFilingsUseCase(validator, store, bus, {
          events: config.topics.events,
          deadLetters: config.topics.deadLetters,
        }),
    },
  ],
  exports: [IngestFilingsUseCase, INGEST_STORE],
})
export class IngestModule {}
