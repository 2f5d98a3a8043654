import { Module } from '@nestjs/common';
import type { PortRegistry } from '@portscore/contracts';
import { PgScorecardReader } from '@portscore/persistence';
import { ActiveCatalogue, PORTS } from '@portscore/runtime';
import { DataSource } from 'typeorm';

import { ScorecardController } from './scorecard.controller';
import { ScorecardService } from './scorecard.service';

@Module({
  controllers: [ScorecardController],
  providers: [
    {
      provide: ScorecardService,
      inject: [DataSource, ActiveCatalogue, PORTS],
      useFactory: (dataSource: DataSource, catalogue: ActiveCatalogue, ports: PortRegistry) =>
        new ScorecardService(new PgScorecardReader(dataSource), () => catalogue.current(), ports),
    },
  ],
})
export class ScorecardModule {}
