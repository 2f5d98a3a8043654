import { Controller, Get, SetMetadata } from '@nestjs/common';
import {
  HealthCheck,
  type HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { KafkaBus } from '@portscore/messaging';

import { OutageGuard } from './outage-guard';

/** Metadata of routes that need no API key (health, metrics, documentation). */
export const PUBLIC_ROUTE = 'portscore:public';
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * Liveness and readiness, the same on every service:
 * - `GET /health` (liveness) answers 200 while the process works, with `degraded` while the
 *   database or broker is away — a paused consumer is healthy and must not be restarted;
 * - `GET /ready` (readiness) answers 503 unless PostgreSQL and Kafka both answer and no work is
 *   held by an outage.
 */
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly bus: KafkaBus,
    private readonly guard: OutageGuard,
  ) {}

  @Get('health')
  @Public()
  live(): { status: 'ok' | 'degraded'; outage?: { since: string; reason: string } } {
    const outage = this.guard.outage;
    return outage
      ? { status: 'degraded', outage: { since: outage.since.toISOString(), reason: outage.reason } }
      : { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 2000 }),
      async () => {
        const kafka = this.indicators.check('kafka');
        try {
          return kafka.up(await this.bus.ping(2000));
        } catch (error) {
          return kafka.down({ message: (error as Error).message });
        }
      },
      () => {
        const work = this.indicators.check('work');
        const outage = this.guard.outage;
        return outage
          ? work.down({ message: `held since ${outage.since.toISOString()}: ${outage.reason}` })
          : work.up();
      },
    ]);
  }
}
