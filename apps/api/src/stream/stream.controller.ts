import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';

import { ApiErrorCode, ApiException } from '../api.exception';
import { ApiForbiddenPort, ApiInvalidQuery, ApiKeyAuth } from '../api.responses';
import { CurrentPrincipal } from '../auth/api-key.guard';
import { canRead, type Principal } from '../auth/principal';
import { ApiUpdateStreamResponse } from './stream.responses';
import { type Update, UpdateStream } from './update-stream.service';

@ApiTags('stream')
@ApiKeyAuth()
@Controller('v1/stream')
export class StreamController {
  constructor(private readonly stream: UpdateStream) {}

  @Get()
  @ApiOperation({
    summary: 'Live indicator and score updates (Server-Sent Events)',
    description:
      'Events `indicator` and `score`, data as on sw.indicators.v1 / sw.scores.v1. Filter with ports and measures ' +
      '(comma-separated). Reconnect with the Last-Event-ID header (or lastEventId) to receive what was missed.',
  })
  @ApiProduces('text/event-stream')
  @ApiUpdateStreamResponse()
  @ApiInvalidQuery('measures')
  @ApiForbiddenPort()
  @ApiQuery({ name: 'ports', required: false, example: 'CNSHA,CNNGB' })
  @ApiQuery({ name: 'measures', required: false, example: '1,23' })
  @ApiQuery({ name: 'lastEventId', required: false })
  @ApiHeader({ name: 'Last-Event-ID', required: false })
  open(
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Res() response: Response,
    @Headers('last-event-id') lastEventHeader?: string,
    @Query('ports') ports?: string,
    @Query('measures') measures?: string,
    @Query('lastEventId') lastEventQuery?: string,
  ): void {
    const portFilter = ports
      ? new Set(
          ports
            .split(',')
            .map((p) => p.trim())
            .filter(Boolean),
        )
      : undefined;
    const measureFilter = measures ? new Set(measures.split(',').map(Number)) : undefined;
    if (measureFilter && [...measureFilter].some((m) => !Number.isInteger(m) || m < 1 || m > 29)) {
      throw new ApiException(ApiErrorCode.InvalidQuery, 'measures: comma-separated measure numbers 1–29');
    }
    for (const port of portFilter ?? []) {
      if (!canRead(principal, port))
        throw new ApiException(ApiErrorCode.ForbiddenPort, `ports: this key may read ${principal.port} only`);
    }
    const wanted = (update: Update) =>
      canRead(principal, update.port) &&
      (!portFilter || portFilter.has(update.port)) &&
      (!measureFilter || (update.measure !== null && measureFilter.has(update.measure)));

    response.status(200);
    response.setHeader('content-type', 'text/event-stream; charset=utf-8');
    response.setHeader('cache-control', 'no-cache, no-transform');
    response.setHeader('connection', 'keep-alive');
    response.setHeader('x-accel-buffering', 'no');
    response.flushHeaders();
    response.write('retry: 3000\n\n');
    const send = (update: Update) => {
      if (wanted(update)) response.write(`id: ${update.id}\nevent: ${update.kind}\ndata: ${update.data}\n\n`);
    };
    const { missed, unsubscribe } = this.stream.subscribe(send, lastEventHeader ?? lastEventQuery);
    missed.forEach(send);
    const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), 15_000);
    request.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  }
}
