import { type DynamicModule, Global, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { loadCatalogue, loadPorts, type PortscoreConfig } from '@portscore/config';
import { KafkaBus } from '@portscore/messaging';
import { dataSourceOptions, PgCatalogueStore } from '@portscore/persistence';
import { DataSource } from 'typeorm';

import { ActiveCatalogue } from './active-catalogue';
import { HealthController } from './health.controller';
import { Metrics } from './metrics';
import { MetricsController } from './metrics.controller';
import { OutageGuard } from './outage-guard';
import { CONFIG, PORTS } from './tokens';

/**
 * Configuration, seeds, the Kafka bus, the database, the outage guard, metrics and the health
 * and metrics endpoints for one service. The bus is created by
 * main() (the microservice transport needs it before the module graph exists) and handed in.
 */
@Global()
@Module({})
export class RuntimeModule {
  static forService(service: string, config: PortscoreConfig, bus: KafkaBus): DynamicModule {
    const metrics = new Metrics(service);
    return {
      module: RuntimeModule,
      imports: [
        TypeOrmModule.forRoot({ ...dataSourceOptions(config.databaseUrl), retryAttempts: 20, retryDelay: 1000 }),
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: PORTS, useValue: loadPorts(config.seedsDir) },
        {
          provide: ActiveCatalogue,
          inject: [DataSource],
          useFactory: async (dataSource: DataSource) => {
            const active = new ActiveCatalogue(new PgCatalogueStore(dataSource), loadCatalogue(config.seedsDir).data);
            await active.refresh();
            active.start();
            return active;
          },
        },
        CatalogueShutdown,
        { provide: Metrics, useValue: metrics },
        {
          provide: OutageGuard,
          useValue: new OutageGuard(
            Math.min(10_000, config.ingestRetryBaseMs * 4),
            (held) => metrics.outage.set(held ? 1 : 0),
            (failing) => metrics.failingWork.set(failing),
          ),
        },
        { provide: KafkaBus, useValue: bus },
      ],
      exports: [CONFIG, PORTS, ActiveCatalogue, KafkaBus, OutageGuard, Metrics],
    };
  }
}

@Injectable()
class CatalogueShutdown implements OnApplicationShutdown {
  constructor(private readonly catalogue: ActiveCatalogue) {}

  onApplicationShutdown(): void {
    this.catalogue.stop();
  }
}
