import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PgApiKeyStore } from '@portscore/persistence';
import { DataSource } from 'typeorm';
import type { PortscoreConfig } from '@portscore/config';
import type { KafkaBus } from '@portscore/messaging';
import { RuntimeModule } from '@portscore/runtime';

import { CatalogueController } from './catalogue/catalogue.controller';
import { API_KEYS, ApiKeyGuard } from './auth/api-key.guard';
import { FilingsModule } from './filings/filings.module';
import { InsightsModule } from './insights/insights.module';
import { StreamModule } from './stream/stream.module';
import { ScorecardModule } from './scorecard/scorecard.module';

@Module({})
export class ApiModule {
  static register(config: PortscoreConfig, bus: KafkaBus): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        RuntimeModule.forService('api', config, bus),
        ScorecardModule,
        FilingsModule,
        InsightsModule,
        StreamModule,
      ],
      controllers: [CatalogueController],
      providers: [
        {
          provide: API_KEYS,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => new PgApiKeyStore(dataSource),
        },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
    };
  }
}
