import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';

import { ApiForbiddenPort, ApiInvalidQuery, ApiKeyAuth, ApiUnknownPort } from '../api.responses';
import { CurrentPrincipal } from '../auth/api-key.guard';
import { type Principal, requireRead } from '../auth/principal';

import { ScorecardDto } from './scorecard.dto';
import { ScorecardService } from './scorecard.service';

@ApiTags('scorecards')
@ApiKeyAuth()
@Controller('v1/ports')
export class ScorecardController {
  constructor(private readonly scorecards: ScorecardService) {}

  @Get(':port/scorecard')
  @ApiOperation({ summary: "A port's scorecard for one day, ISO week or month in the port's time zone" })
  @ApiParam({ name: 'port', example: 'CNSHA' })
  @ApiQuery({ name: 'grain', required: false, enum: ['day', 'week', 'month'], description: 'default month' })
  @ApiQuery({
    name: 'date',
    required: false,
    example: '2026-10-15',
    description: "a date inside the window; default today in the port's time zone",
  })
  @ApiOkResponse({ type: ScorecardDto, description: 'every measure of the catalogue with its KPIs and score' })
  @ApiInvalidQuery('grain', 'date')
  @ApiForbiddenPort()
  @ApiUnknownPort()
  scorecard(
    @CurrentPrincipal() principal: Principal,
    @Param('port') port: string,
    @Query('grain') grain?: string,
    @Query('date') date?: string,
  ): Promise<ScorecardDto> {
    requireRead(principal, port);
    return this.scorecards.scorecard(port, grain, date);
  }
}
