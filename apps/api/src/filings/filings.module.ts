import { Module } from '@nestjs/common';
import { IngestModule } from '@portscore/ingest';

import { FilingsController } from './filings.controller';

@Module({ imports: [IngestModule], controllers: [FilingsController] })
export class FilingsModule {}
