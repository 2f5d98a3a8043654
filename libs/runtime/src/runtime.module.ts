import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { loadCatalogue, loadPorts, type PortscoreConfig } from '@portscore/config';
import { KafkaBus } from '@portscore/messaging';
import { dataSourceOptions } from '@portscore/persistence';

import { CATALOGUE, CONFIG, PORTS } from './tokens';

/**
 * Configuration, seeds, the Kafka bus and the database for one service. The bus is created by
 * main() (the microservice transport needs it before the module graph exists) and handed in.
 */
@Global()
@Module({})
export class RuntimeModule {
  static forService(config: PortscoreConfig, bus: KafkaBus): DynamicModule {
    return {
      module: RuntimeModule,
      imports: [
        TypeOrmModule.forRoot({ ...dataSourceOptions(config.databaseUrl), retryAttempts: 20, retryDelay: 1000 }),
      ],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: PORTS, useValue: loadPorts(config.seedsDir) },
        { provide: CATALOGUE, useValue: loadCatalogue(config.seedsDir) },
        { provide: KafkaBus, useValue: bus },
      ],
      exports: [CONFIG, PORTS, CATALOGUE, KafkaBus],
    };
  }
}
