import { Module } from '@nestjs/common';
import type { PortRegistry } from '@portscore/contracts';
import { PgInsightsReader } from '@portscore/persistence';
import { ActiveCatalogue, PORTS } from '@portscore/runtime';
import { DataSource } from 'typeorm';

import { InsightsController } from './insights.controller';
import { InsightsService } from './insights.service';

@Module({
  controllers: [InsightsController],
  providers: [
    {
      provide: InsightsService,
      inject: [DataSource, ActiveCatalogue, PORTS],
      useFactory: (dataSource: DataSource, catalogue: ActiveCatalogue, ports: PortRegistry) =>
        new InsightsService(new PgInsightsReader(dataSource), () => catalogue.current(), ports),
    },
  ],
})
export class InsightsModule {}
