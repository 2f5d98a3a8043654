import { Module } from '@nestjs/common';
import type { MeasureCatalogue } from '@portscore/catalogue';
import type { PortRegistry } from '@portscore/contracts';
import { PgScorecardReader } from '@portscore/persistence';
import { CATALOGUE, PORTS } from '@portscore/runtime';
import { DataSource } from 'typeorm';

import { ScorecardController } from './scorecard.controller';
import { ScorecardService } from './scorecard.service';

@Module({
  controllers: [ScorecardController],
  providers: [
    {
      provide: ScorecardService,
      inject: [DataSource, CATALOGUE, PORTS],
      useFactory: (dataSource: DataSource, catalogue: MeasureCatalogue, ports: PortRegistry) =>
        new ScorecardService(new PgScorecardReader(dataSource), catalogue, ports),
    },
  ],
})
export class ScorecardModule {}
