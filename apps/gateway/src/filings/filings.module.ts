import { Module } from '@nestjs/common';
import { IngestModule } from '@portscore/ingest';

import { FilingsConsumer } from './filings.consumer';

@Module({
  imports: [IngestModule],
  controllers: [FilingsConsumer],
})
export class FilingsModule {}
