import { Controller, Get, SetMetadata } from '@nestjs/common';
import {
  HealthCheck,
  type HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { KafkaBus } from '@portscore/messaging';

import { DataSource } from 'typeorm';

import { OutageGuard } from './outage-guard';

/** Metadata of routes that need no API key (health, metrics, documentation). */
export const PUBLIC_ROUTE = 'portscore:public';
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * Liveness and readiness, the same on every service:
 * - `GET /health` (liveness) answers 200 while the process works, with status `degraded` and
 *   the reasons while the database or broker is away, or while a partition's work keeps failing
 *   — a paused consumer is alive and must not be restarted;
 * - `GET /ready` (readiness) answers 503 unless PostgreSQL and Kafka both answer and no work is
 *   held by an outage.
 */
@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly bus: KafkaBus,
    private readonly guard: OutageGuard,
    private readonly dataSource: DataSource,
  ) {}

  @Get('health')
  @Public()
  @ApiOperation({ summary: 'Liveness: ok, or degraded with the problems (still 200); no key needed' })
  async live(): Promise<{ status: 'ok' | 'degraded'; problems?: string[] }> {
    const outage = this.guard.outage;
    const problems = [
      ...(outage ? [`work held since ${outage.since.toISOString()}: ${outage.reason}`] : []),
      ...this.guard.failing.map(
        (work) =>
          `${work.key}: failing since ${work.since.toISOString()} (${work.failures} attempts, last ${work.what}): ${work.error}`,
      ),
      ...(await Promise.all([
        withTimeout(this.dataSource.query('SELECT 1'), 1500).then(
          () => undefined,
          (error: Error) => `database: ${error.message}`,
        ),
        this.bus.ping(1500).then(
          () => undefined,
          (error: Error) => `kafka: ${error.message}`,
        ),
      ]).then((found) => found.filter((problem): problem is string => problem !== undefined))),
    ];
    return problems.length > 0 ? { status: 'degraded', problems } : { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @ApiOperation({ summary: 'Readiness: 200 when PostgreSQL and Kafka answer and no work is held, else 503' })
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

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
