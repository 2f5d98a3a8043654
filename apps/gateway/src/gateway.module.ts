import { type DynamicModule, Module } from '@nestjs/common';
import type { PortscoreConfig } from '@portscore/config';
import type { KafkaBus } from '@portscore/messaging';
import { RuntimeModule } from '@portscore/runtime';

import { FilingsModule } from './filings/filings.module';

@Module({})
export class GatewayModule {
  static register(config: PortscoreConfig, bus: KafkaBus): DynamicModule {
    return { module: GatewayModule, imports: [RuntimeModule.forService('gateway', config, bus), FilingsModule] };
  }
}
