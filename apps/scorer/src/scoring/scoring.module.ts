import { Inject, Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { PortscoreConfig } from '@portscore/config';
import type { PortRegistry } from '@portscore/contracts';
import { KafkaBus } from '@portscore/messaging';
import { PgScoringStore } from '@portscore/persistence';
import { ActiveCatalogue, CONFIG, isOutage, Metrics, PORTS } from '@portscore/runtime';
import { DataSource } from 'typeorm';

import { IndicatorOutbox, OpenWindowsUseCase, ScoreEventsUseCase } from '@portscore/scoring';

import { EVENT_DEAD_LETTERS, KafkaEventDeadLetters } from './event-quarantine';
import { EventsConsumer } from './events.consumer';

const SCORING_STORE = Symbol('ScoringStore');

const outboxLogger = new Logger('IndicatorOutbox');
const windowsLogger = new Logger('OpenWindows');

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
      inject: [SCORING_STORE, ActiveCatalogue, PORTS, CONFIG],
      useFactory: (store: PgScoringStore, catalogue: ActiveCatalogue, ports: PortRegistry, config: PortscoreConfig) =>
        new ScoreEventsUseCase(store, catalogue, ports, () => new Date(), {
          lookBackDays: config.openWindowsLookBackDays,
        }),
    },
    {
      provide: OpenWindowsUseCase,
      inject: [SCORING_STORE, ActiveCatalogue, PORTS, CONFIG, KafkaBus],
      useFactory: (
        store: PgScoringStore,
        catalogue: ActiveCatalogue,
        ports: PortRegistry,
        config: PortscoreConfig,
        bus: KafkaBus,
      ) =>
        new OpenWindowsUseCase(store, catalogue, ports, () => new Date(), {
          lookBackDays: config.openWindowsLookBackDays,
          maxBacklog: config.openWindowsMaxBacklog,
          // The scorers' consumer group (runConsumerService) on the events topic.
          backlog: () => bus.groupLag(`${config.kafkaClientId}-scorer`, config.topics.events),
        }),
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
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly outbox: IndicatorOutbox,
    private readonly openWindows: OpenWindowsUseCase,
    @Inject(CONFIG) private readonly config: PortscoreConfig,
    private readonly metrics: Metrics,
  ) {}

  onApplicationBootstrap(): void {
    this.sweepOutbox();
    if (this.config.openWindowsEverySeconds > 0) this.openWindowsUnderWay(this.config.openWindowsEverySeconds);
  }

  onModuleDestroy(): void {
    for (const timer of this.timers) clearInterval(timer);
  }

  /** Sends what a previous run saved but could not send, and sweeps periodically after that. */
  private sweepOutbox(): void {
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
    this.every(5000, sweep);
  }

  /**
   * Scores the windows under way at ports with status reports now and every `seconds` after, and
   * asks the outbox to publish what changed. One round at a time; a failed round is tried again
   * at the next.
   */
  private openWindowsUnderWay(seconds: number): void {
    let running = false;
    // Since when the rounds have waited for the scorers' backlog, if they do.
    let waitingSince: number | undefined;
    const round = () => {
      if (running) return;
      running = true;
      const started = Date.now();
      this.openWindows
        .execute()
        .then(({ windowsOpened, windowsCaughtUp, ports, scoresChanged, waitedForBacklog }) => {
          this.metrics.windowsWaiting.set(waitedForBacklog ?? 0);
          if (waitedForBacklog !== undefined && waitingSince === undefined) {
            waitingSince = started;
            windowsLogger.log(
              `scoring windows waits: the scorers have ${waitedForBacklog} events still to read ` +
                `(more than OPEN_WINDOWS_MAX_BACKLOG=${this.config.openWindowsMaxBacklog})`,
            );
          } else if (waitedForBacklog === undefined && waitingSince !== undefined) {
            windowsLogger.log(
              `scoring windows goes on after waiting ${Math.round((started - waitingSince) / 1000)} s ` +
                `for the scorers' backlog; windows that ended meanwhile are caught up`,
            );
            waitingSince = undefined;
          }
          if (windowsOpened + windowsCaughtUp === 0) return;
          const caughtUp =
            windowsCaughtUp > 0
              ? ` and ${windowsCaughtUp} unscored that ended in the last ${this.config.openWindowsLookBackDays} days`
              : '';
          windowsLogger.log(
            `${windowsOpened} windows under way${caughtUp} at ${ports} ports with status reports scored in ${Date.now() - started} ms: ${scoresChanged} scores changed`,
          );
          if (scoresChanged > 0)
            this.outbox.request((error) => {
              // During an outage the periodic sweep tries again; the values stay pending until then.
              if (!isOutage(error)) outboxLogger.error(`publishing scores failed: ${String(error)}`);
            });
        })
        .catch((error: unknown) => {
          if (!isOutage(error))
            windowsLogger.error(
              `scoring the windows under way failed (tried again in ${seconds} s): ${(error as Error).message}`,
              (error as Error).stack,
            );
        })
        .finally(() => {
          running = false;
        });
    };
    round();
    this.every(seconds * 1000, round);
  }

  private every(ms: number, work: () => void): void {
    const timer = setInterval(work, ms);
    timer.unref();
    this.timers.push(timer);
  }
}
