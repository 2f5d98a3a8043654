import { applyDecorators, Controller, Get, Param, Query, Res } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { DEFAULT_PORT_TIME_ZONE } from '@portscore/config';
import type { Response } from 'express';

import {
  ApiErrorDto,
  ApiForbiddenPort,
  ApiInvalidQuery,
  ApiKeyAuth,
  ApiUnknownPort,
  ApiUnknownPortOrKpi,
} from '../api.responses';
import { CurrentPrincipal, Roles } from '../auth/api-key.guard';
import { canRead, type Principal, requireRead } from '../auth/principal';
import { todayIn } from '../today';
import {
  CasesPageDto,
  DataQualityDto,
  DeadLetterDto,
  FeeViolationsDto,
  MilestoneEventDto,
  RankingDto,
  ScoreMatrixDto,
  SeriesDto,
} from './insights.responses';
import { InsightsService, MAX_RANGE_DAYS, MAX_SERIES_POINTS } from './insights.service';
import { boundedInteger, dateOf, grainOf, toCsv } from './query-parameters';

const DAY = 86_400_000;

/** The parameters and answers of a port's list over its local days [from, to), paged. */
function ApiDayRangePage(items: string) {
  return applyDecorators(
    ApiParam({ name: 'port', example: 'CNSHA' }),
    ApiQuery({ name: 'from', required: false, example: '2026-10-01', description: 'default 30 days before to' }),
    ApiQuery({
      name: 'to',
      required: false,
      example: '2026-11-01',
      description: `exclusive; default tomorrow; at most ${MAX_RANGE_DAYS} days after from`,
    }),
    ApiQuery({ name: 'limit', required: false, description: '1–1000, default 200' }),
    ApiQuery({ name: 'offset', required: false, description: `${items} to skip, default 0` }),
    ApiInvalidQuery('from', 'to', 'limit', 'offset'),
    ApiForbiddenPort(),
    ApiUnknownPort(),
  );
}

/** The range and page of such a list: to defaults to tomorrow, from to 30 days before it. */
function dayRangePage(from?: string, to?: string, limit?: string, offset?: string) {
  const end = dateOf('to', to, new Date(Math.ceil(Date.now() / DAY) * DAY));
  const start = dateOf('from', from, new Date(end.getTime() - 30 * DAY));
  const first = boundedInteger('offset', offset, 0, 0, 10_000_000);
  const size = boundedInteger('limit', limit, 200, 1, 1000);
  return { from: start, to: end, page: <T>(all: T[]): T[] => all.slice(first, first + size) };
}
const SERIES_CSV_COLUMNS = [
  'windowStart',
  'windowEnd',
  'value',
  'samples',
  'target',
  'attainment',
  'scored',
  'catalogueVersion',
];
const RANKING_CSV_COLUMNS = ['rank', 'port', 'nameEn', 'nameZh', 'score', 'coverage', 'windowStart', 'windowEnd'];

/** The `date` parameter checked as YYYY-MM-DD; without it, today's date in the time zone. */
function dateOrToday(date: string | undefined, timeZone: () => string): string {
  if (date === undefined) return todayIn(timeZone());
  return dateOf('date', date, new Date()).toISOString().slice(0, 10);
}

/** Scores and rankings span ports of several zones: their "today" is the default zone's (SPEC §4). */
const manyPortsZone = () => DEFAULT_PORT_TIME_ZONE;

/** A JSON answer, or the same rows as CSV with format=csv. */
function ApiJsonOrCsvResponse(type: new () => object, description: string, csvColumns: string[]) {
  return ApiOkResponse({
    description,
    content: {
      'application/json': { schema: { $ref: getSchemaPath(type) } },
      'text/csv': { schema: { type: 'string', example: `${csvColumns.join(',')}\n` } },
    },
  });
}

function wantsCsv(format: string | undefined): boolean {
  return format === 'csv';
}

function sendCsv(response: Response, name: string, csv: string): string {
  response.setHeader('content-type', 'text/csv; charset=utf-8');
  response.setHeader('content-disposition', `attachment; filename="${name}.csv"`);
  return csv;
}

@ApiTags('insights')
@ApiKeyAuth()
@ApiExtraModels(SeriesDto, RankingDto, MilestoneEventDto)
@Controller('v1')
export class InsightsController {
  constructor(private readonly insights: InsightsService) {}

  @Get('ports/:port/kpis/:kpi/series')
  @ApiOperation({ summary: `A KPI's values over time: one point per window with data (at most ${MAX_SERIES_POINTS})` })
  @ApiParam({ name: 'port', example: 'CNSHA' })
  @ApiParam({ name: 'kpi', example: 'm1.instant_share' })
  @ApiQuery({ name: 'grain', required: false, enum: ['day', 'week', 'month'], description: 'default day' })
  @ApiQuery({ name: 'from', required: false, example: '2026-10-01', description: 'default 90 days before to' })
  @ApiQuery({ name: 'to', required: false, example: '2026-11-01', description: 'exclusive; default tomorrow' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'], description: 'default json' })
  @ApiJsonOrCsvResponse(SeriesDto, 'the points; with format=csv, the points as CSV', SERIES_CSV_COLUMNS)
  @ApiInvalidQuery('grain', 'from', 'to')
  @ApiForbiddenPort()
  @ApiUnknownPortOrKpi()
  async series(
    @CurrentPrincipal() principal: Principal,
    @Param('port') port: string,
    @Param('kpi') kpi: string,
    @Res({ passthrough: true }) response: Response,
    @Query('grain') grain?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('format') format?: string,
  ): Promise<SeriesDto | string> {
    requireRead(principal, port);
    const end = dateOf('to', to, new Date(Math.ceil(Date.now() / DAY) * DAY));
    const series = await this.insights.series(
      port,
      kpi,
      grainOf(grain, 'day'),
      dateOf('from', from, new Date(end.getTime() - 90 * DAY)),
      end,
    );
    if (!wantsCsv(format)) return series;
    return sendCsv(
      response,
      `${port}-${kpi}-${series.grain}`,
      toCsv(SERIES_CSV_COLUMNS, series.points as unknown as Array<Record<string, unknown>>),
    );
  }

  @Get('ports/:port/kpis/:kpi/cases')
  @ApiOperation({
    summary: 'Drill-down: the cases behind a KPI value, with the event (source, id) behind each milestone',
  })
  @ApiParam({ name: 'port', example: 'CNSHA' })
  @ApiParam({ name: 'kpi', example: 'm1.instant_share' })
  @ApiQuery({ name: 'grain', required: false, enum: ['day', 'week', 'month'], description: 'default month' })
  @ApiQuery({
    name: 'date',
    required: false,
    example: '2026-10-15',
    description: "a date inside the window; default today in the port's time zone",
  })
  @ApiQuery({ name: 'limit', required: false, description: '1–500, default 100' })
  @ApiQuery({ name: 'offset', required: false, description: 'cases to skip, default 0' })
  @ApiOkResponse({
    type: CasesPageDto,
    description: 'a page of the cases completed in the window, each milestone with the event (source, id) behind it',
  })
  @ApiInvalidQuery('grain', 'date', 'limit', 'offset')
  @ApiForbiddenPort()
  @ApiUnknownPortOrKpi()
  cases(
    @CurrentPrincipal() principal: Principal,
    @Param('port') port: string,
    @Param('kpi') kpi: string,
    @Query('grain') grain?: string,
    @Query('date') date?: string,
    @Query('limit') limit?: string,
    @Query('offset') offset?: string,
  ): Promise<CasesPageDto> {
    requireRead(principal, port);
    return this.insights.cases(
      port,
      kpi,
      grainOf(grain, 'month'),
      // As the scorecard: by default the window containing today where the port is.
      dateOrToday(date, () => this.insights.port(port).timeZone),
      boundedInteger('limit', limit, 100, 1, 500),
      boundedInteger('offset', offset, 0, 0, 10_000_000),
    );
  }

  @Get('scores')
  @ApiOperation({ summary: 'Measure scores and index of every readable port for one window (the heat map)' })
  @ApiQuery({ name: 'grain', required: false, enum: ['day', 'week', 'month'], description: 'default month' })
  @ApiQuery({
    name: 'date',
    required: false,
    example: '2026-10-15',
    description: `a date inside the window (each port's window containing that local date); default today in ${DEFAULT_PORT_TIME_ZONE}`,
  })
  @ApiOkResponse({
    type: ScoreMatrixDto,
    description: "each readable port's index and measure scores for its window containing the date",
  })
  @ApiInvalidQuery('grain', 'date')
  scores(
    @CurrentPrincipal() principal: Principal,
    @Query('grain') grain?: string,
    @Query('date') date?: string,
  ): Promise<ScoreMatrixDto> {
    return this.insights.scoreMatrix(grainOf(grain, 'month'), dateOrToday(date, manyPortsZone), (port) =>
      canRead(principal, port),
    );
  }

  @Get('rankings')
  @Roles('admin', 'agency')
  @ApiOperation({ summary: 'Ports ranked by a measure score, or by port index without measure, for one window' })
  @ApiQuery({ name: 'grain', required: false, enum: ['day', 'week', 'month'], description: 'default month' })
  @ApiQuery({
    name: 'date',
    required: false,
    example: '2026-10-15',
    description: `a date inside the window (each port's window containing that local date); default today in ${DEFAULT_PORT_TIME_ZONE}`,
  })
  @ApiQuery({ name: 'measure', required: false, description: '1–29; absent: the port index' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'], description: 'default json' })
  @ApiJsonOrCsvResponse(RankingDto, 'the ranked ports; with format=csv, the ports as CSV', RANKING_CSV_COLUMNS)
  @ApiInvalidQuery('grain', 'date', 'measure')
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'forbidden: only admin and agency keys may rank ports' })
  async rankings(
    @Res({ passthrough: true }) response: Response,
    @Query('grain') grain?: string,
    @Query('date') date?: string,
    @Query('measure') measure?: string,
    @Query('format') format?: string,
  ): Promise<RankingDto | string> {
    const ranking = await this.insights.ranking(
      boundedInteger('measure', measure, 0, 1, 29),
      grainOf(grain, 'month'),
      dateOrToday(date, manyPortsZone),
    );
    if (!wantsCsv(format)) return ranking;
    return sendCsv(
      response,
      `ranking-${ranking.measure}-${ranking.grain}-${ranking.date}`,
      toCsv(RANKING_CSV_COLUMNS, ranking.ports as unknown as Array<Record<string, unknown>>),
    );
  }

  @Get('ports/:port/fee-violations')
  @ApiOperation({ summary: "Charge lines outside the operator's effective fee catalogue, or above it" })
  @ApiDayRangePage('violations')
  @ApiOkResponse({ type: FeeViolationsDto, description: 'a page of the violations' })
  async feeViolations(
    @CurrentPrincipal() principal: Principal,
    @Param('port') port: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('limit') limit?: string,
    @Query('offset') offset?: string,
  ): Promise<FeeViolationsDto> {
    requireRead(principal, port);
    const range = dayRangePage(from, to, limit, offset);
    const all = await this.insights.feeViolations(port, range.from, range.to);
    return { port, total: all.length, violations: range.page(all) };
  }

  @Get('ports/:port/data-quality')
  @ApiOperation({
    summary:
      'Data-quality findings: cases whose duration KPI found the end before the start (no sample of the KPI), ' +
      'with the events behind both milestones',
  })
  @ApiDayRangePage('findings')
  @ApiOkResponse({ type: DataQualityDto, description: 'a page of the findings, with counts per KPI' })
  async dataQuality(
    @CurrentPrincipal() principal: Principal,
    @Param('port') port: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('limit') limit?: string,
    @Query('offset') offset?: string,
  ): Promise<DataQualityDto> {
    requireRead(principal, port);
    const range = dayRangePage(from, to, limit, offset);
    const all = await this.insights.dataQuality(port, range.from, range.to);
    const byKpi: Record<string, number> = {};
    for (const finding of all) for (const kpi of finding.kpis) byKpi[kpi] = (byKpi[kpi] ?? 0) + 1;
    return { port, total: all.length, byKpi, findings: range.page(all) };
  }

  @Get('dead-letters')
  @ApiOperation({
    summary:
      'Refused filings, newest first (a port key sees its own port only); re-drive them with portscore dlq redrive',
  })
  @ApiQuery({ name: 'reason', required: false, example: 'validation_failed' })
  @ApiQuery({ name: 'port', required: false, description: 'a port key always sees its own port only' })
  @ApiQuery({ name: 'before', required: false, description: 'a dead letter id: the page after it' })
  @ApiQuery({ name: 'limit', required: false, description: '1–500, default 100' })
  @ApiOkResponse({ type: [DeadLetterDto], description: 'newest first' })
  @ApiInvalidQuery('before', 'limit')
  @ApiForbiddenPort()
  deadLetters(
    @CurrentPrincipal() principal: Principal,
    @Query('reason') reason?: string,
    @Query('port') port?: string,
    @Query('before') before?: string,
    @Query('limit') limit?: string,
  ): Promise<DeadLetterDto[]> {
    if (port) requireRead(principal, port);
    return this.insights.deadLetters({
      reason,
      port: principal.role === 'port' ? principal.port : port,
      before,
      limit: boundedInteger('limit', limit, 100, 1, 500),
    });
  }
}
