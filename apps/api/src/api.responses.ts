import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiProperty,
  ApiSecurity,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';

/** The security schemes of the OpenAPI document (openapi.ts): the same key in either header. */
export const API_KEY_HEADER_SCHEME = 'api-key';
export const BEARER_SCHEME = 'bearer';

/** The body of every error answer: a stable code to match on and a sentence for people. */
export class ApiErrorDto {
  @ApiProperty({
    example: 'invalid_query',
    description:
      'stable code: invalid_query, invalid_body, unknown_port, unknown_kpi, forbidden_port, unauthorized, ' +
      'forbidden, not_found, payload_too_large, rate_limited, internal',
  })
  error!: string;

  @ApiProperty({ example: 'date: 2026-13-01 is not a calendar date YYYY-MM-DD' })
  detail!: string;
}

/**
 * Routes behind the API key guard and the /v1 rate limit: the key goes in `Authorization: Bearer`
 * or `X-API-Key`; without a valid one 401, over the limit 429.
 */
export function ApiKeyAuth() {
  return applyDecorators(
    ApiSecurity(API_KEY_HEADER_SCHEME),
    ApiSecurity(BEARER_SCHEME),
    ApiUnauthorizedResponse({
      type: ApiErrorDto,
      description: 'unauthorized: no API key, or an unknown or revoked one',
    }),
    ApiTooManyRequestsResponse({
      type: ApiErrorDto,
      description: 'rate_limited: more requests a minute than this key may make; retry after Retry-After seconds',
      headers: { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer', example: 2 } } },
    }),
  );
}

/** 400 for a malformed or out-of-range query parameter; the detail starts with its name. */
export function ApiInvalidQuery(...parameters: string[]) {
  return ApiBadRequestResponse({
    type: ApiErrorDto,
    description:
      `invalid_query: a query parameter is malformed or out of range (${parameters.join(', ')}); ` +
      'the detail starts with its name, e.g. `date: 2026-13-01 is not a calendar date YYYY-MM-DD`',
  });
}

/** 403 when a port key asks for another port's data. */
export function ApiForbiddenPort() {
  return ApiForbiddenResponse({
    type: ApiErrorDto,
    description: "forbidden_port: a port key (role port:<id>) asked for another port's data",
  });
}

/** 404 for a port that is not registered. */
export function ApiUnknownPort() {
  return ApiNotFoundResponse({ type: ApiErrorDto, description: 'unknown_port: the port is not registered' });
}

/** 404 for a port that is not registered, or a KPI that is not in the catalogue in force. */
export function ApiUnknownPortOrKpi() {
  return ApiNotFoundResponse({
    type: ApiErrorDto,
    description: 'unknown_port: the port is not registered; unknown_kpi: the KPI is not in the catalogue in force',
  });
}
