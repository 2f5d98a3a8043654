import { Controller, Get, Header } from '@nestjs/common';

import { Public } from './health.controller';
import { Metrics } from './metrics';

/** Prometheus scrape endpoint, the same on every service. */
@Controller()
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get('metrics')
  @Public()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
