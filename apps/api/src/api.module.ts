import { type DynamicModule, Module } from '@nestjs/common';
import type { PortscoreConfig } from '@portscore/config';
import type { KafkaBus } from '@portscore/messaging';
import { RuntimeModule } from '@portscore/runtime';

import { CatalogueController } from './catalogue/catalogue.controller';
import { HealthController } from './health/health.controller';
import { ScorecardModule } from './scorecard/scorecard.module';

@Module({})
export class ApiModule {
  static register(config: PortscoreConfig, bus: KafkaBus): DynamicModule {
    return {
      module: ApiModule,
      imports: [RuntimeModule.forService(config, bus), ScorecardModule],
      controllers: [CatalogueController, HealthController],
    };
  }
}
