import { Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { PortscoreConfig } from '@portscore/config';
import type { PortRegistry } from '@portscore/contracts';
import { KafkaBus } from '@portscore/messaging';
import { PgScoringStore } from '@portscore/persistence';
import { ActiveCatalogue, CONFIG, isOutage, Metrics, PORTS } from '@portscore/runtime';
import { DataSource } from 'typeorm';

import { IndicatorOutbox, ScoreEventsUseCase } from '@portscore/scoring';

import { EVENT_DEAD_LETTERS, KafkaEventDeadLetters } from './event-quarantine';
import { EventsConsumer } from './events.consumer';

const SCORING_STORE = Symbol('ScoringStore');

const outboxLogger = new Logger('IndicatorOutbox');

@Module({
  controllers: [EventsConsumer],
  providers: [
    {
      provide: SCORING_STORE,
      inject: [DataSource],
      useFactory: (dataSource: DataSource) => new PgScoringStore(dataSource),
    },
    {
      provide: ScoreEventsUseCase,
      inject: [SCORING_STORE, ActiveCatalogue, PORTS],
      useFactory: (store: PgScoringStore, catalogue: ActiveCatalogue, ports: PortRegistry) =>
        new ScoreEventsUseCase(store, catalogue, ports),
    },
    {
      provide: EVENT_DEAD_LETTERS,
      inject: [KafkaBus, CONFIG, DataSource],
      useFactory: (bus: KafkaBus, config: PortscoreConfig, dataSource: DataSource) =>
        new KafkaEventDeadLetters(bus, config.topics.deadLetters, dataSource),
    },
    {
      provide: IndicatorOutbox,
      inject: [SCORING_STORE, KafkaBus, CONFIG, Metrics],
      useFactory: (store: PgScoringStore, bus: KafkaBus, config: PortscoreConfig, metrics: Metrics) =>
        new IndicatorOutbox(
          store,
          bus,
          { indicators: config.topics.indicators, scores: config.topics.scores },
          {
            compactEvery: config.outboxCompactEvery,
            onPublished: (sent) => {
              metrics.published.inc({ topic: config.topics.indicators }, sent.indicators);
              metrics.published.inc({ topic: config.topics.scores }, sent.scores);
              outboxLogger.log(
                `outbox round: ${sent.indicators} indicators and ${sent.scores} scores published in ${Math.round(sent.ms)} ms`,
              );
            },
          },
        ),
    },
  ],
})
export class ScoringModule implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly outbox: IndicatorOutbox) {}

  /** Sends what a previous run saved but could not send, and sweeps periodically after that. */
  onApplicationBootstrap(): void {
    const sweep = () => {
      // During an outage the consumer reports it; the sweep just tries again later.
      this.outbox.flush().catch((error: unknown) => {
        if (!isOutage(error))
          outboxLogger.error(
            `outbox sweep failed (retried in 5 s): ${(error as Error).message}`,
            (error as Error).stack,
          );
      });
    };
    sweep();
    this.timer = setInterval(sweep, 5000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
