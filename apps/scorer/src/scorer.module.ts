import { type DynamicModule, Module } from '@nestjs/common';
import type { PortscoreConfig } from '@portscore/config';
import type { KafkaBus } from '@portscore/messaging';
import { RuntimeModule } from '@portscore/runtime';

import { ScoringModule } from './scoring/scoring.module';

@Module({})
export class ScorerModule {
  static register(config: PortscoreConfig, bus: KafkaBus): DynamicModule {
    return { module: ScorerModule, imports: [RuntimeModule.forService('scorer', config, bus), ScoringModule] };
  }
}
