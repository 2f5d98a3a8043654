import { Module } from '@nestjs/common';

import { StreamController } from './stream.controller';
import { UpdateStream } from './update-stream.service';

@Module({ controllers: [StreamController], providers: [UpdateStream] })
export class StreamModule {}
