import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiForbiddenResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { type IncomingFiling, IngestFilingsUseCase } from '@portscore/ingest';
import type { Request, Response } from 'express';

import { ApiErrorCode, ApiException } from '../api.exception';
import { ApiErrorDto, ApiKeyAuth } from '../api.responses';
import { CurrentPrincipal, Roles } from '../auth/api-key.guard';
import type { Principal } from '../auth/principal';
import { IngestResponseDto } from './filings.dto';

const BATCH = 'application/cloudevents-batch+json';
const MAX_BATCH = 1000;

/**
 * HTTP ingest (CloudEvents HTTP binding): structured, batch or binary mode. Every event gets the
 * same rules as on Kafka; a port's key may publish only for its own port.
 */
@ApiTags('filings')
@ApiKeyAuth()
@Controller('v1/filings')
export class FilingsController {
  constructor(private readonly ingest: IngestFilingsUseCase) {}

  @Post()
  // A batch answers 200 with a result per event; a single event's status is set below.
  @HttpCode(200)
  @Roles('admin', 'port')
  @ApiOperation({
    summary: 'Publish filings over HTTP',
    description:
      'Structured mode (application/cloudevents+json, one event), batch mode (application/cloudevents-batch+json, ' +
      `a JSON array of up to ${MAX_BATCH} events) or binary mode (ce-* headers, application/json or application/xml body). ` +
      'Answers per event: accepted, duplicate or rejected with its reason code; rejected events are dead-lettered ' +
      'like those from Kafka. A single event answers 202 when accepted, 200 when a duplicate, 422 when rejected.',
  })
  @ApiConsumes('application/cloudevents+json', BATCH, 'application/json', 'application/xml')
  @ApiHeader({
    name: 'ce-type',
    required: false,
    description: 'binary mode: the event type (likewise ce-id, ce-source, ce-time, ce-port, ce-specversion)',
  })
  @ApiBody({ schema: { type: 'object', description: 'a CloudEvent, an array of them, or a binary-mode payload' } })
  @ApiOkResponse({
    type: IngestResponseDto,
    description:
      'Batch mode: always, with one result per event (accepted, duplicate or rejected). ' +
      'A single event: a duplicate, the same (source, id) with the same content was accepted before; nothing changes.',
  })
  @ApiAcceptedResponse({ type: IngestResponseDto, description: 'A single event: accepted, and forwarded for scoring.' })
  @ApiUnprocessableEntityResponse({
    type: IngestResponseDto,
    description:
      'A single event: rejected and dead-lettered; its result names the reason code and the detail ' +
      '(e.g. validation_failed, unknown_port, conflict, forbidden_port when a port key publishes for another port).',
  })
  @ApiBadRequestResponse({
    type: ApiErrorDto,
    description: `invalid_body: batch mode whose body is not a JSON array of 1 to ${MAX_BATCH} CloudEvents`,
  })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'forbidden: only admin and port keys may publish' })
  @ApiPayloadTooLargeResponse({
    description:
      'The request body is larger than 10 × MAX_FILING_BYTES (a single filing above MAX_FILING_BYTES is rejected as oversize instead).',
  })
  async publish(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @CurrentPrincipal() principal: Principal,
  ): Promise<IngestResponseDto> {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const batch = contentType === BATCH;
    const filings = batch ? batchFilings(body) : [singleFiling(request, body)];
    const result = await this.ingest.execute({
      filings,
      ...(principal.role === 'port' ? { onlyPort: principal.port } : {}),
    });
    if (!batch) {
      const status = result.outcomes[0]!.status;
      response.status(status === 'accepted' ? 202 : status === 'duplicate' ? 200 : 422);
    }
    return {
      accepted: result.accepted,
      duplicates: result.duplicates,
      rejected: result.rejected,
      results: result.outcomes.map((outcome) => ({ ...outcome })),
    };
  }
}

function singleFiling(request: Request, body: Buffer): IncomingFiling {
  const headers: Record<string, string | undefined> = {};
  const rawHeaders: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    const text = Array.isArray(value) ? value[0] : value;
    if (text === undefined) continue;
    if (name === 'content-type' || name.startsWith('ce-')) {
      headers[name] = text;
      // Dead letters carry Kafka-style binary headers, so a re-drive reads them as on Kafka.
      rawHeaders[name.startsWith('ce-') ? `ce_${name.slice(3)}` : name] = Buffer.from(text);
    }
  }
  return { value: body, headers, rawHeaders, key: headers['ce-port'] ?? portOf(body), origin: 'http' };
}

function batchFilings(body: Buffer): IncomingFiling[] {
  let events: unknown;
  try {
    events = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new ApiException(
      ApiErrorCode.InvalidBody,
      `body: a batch must be a JSON array of CloudEvents (${(error as Error).message})`,
    );
  }
  if (!Array.isArray(events))
    throw new ApiException(ApiErrorCode.InvalidBody, 'body: a batch must be a JSON array of CloudEvents');
  if (events.length === 0 || events.length > MAX_BATCH) {
    throw new ApiException(
      ApiErrorCode.InvalidBody,
      `body: a batch holds 1 to ${MAX_BATCH} events, not ${events.length}`,
    );
  }
  return events.map((event) => {
    const value = Buffer.from(JSON.stringify(event));
    return {
      value,
      headers: { 'content-type': 'application/cloudevents+json' },
      rawHeaders: { 'content-type': Buffer.from('application/cloudevents+json') },
      key: portOf(value),
      origin: 'http',
    };
  });
}

function portOf(body: Buffer): string | null {
  try {
    const port = (JSON.parse(body.toString('utf8')) as { port?: unknown }).port;
    return typeof port === 'string' ? port : null;
  } catch {
    return null;
  }
}
