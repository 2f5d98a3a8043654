import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';

/** Errors the query use cases raise, each with a stable code; HTTP status is chosen only here. */
export enum ApiErrorCode {
  UnknownPort = 'unknown_port',
  InvalidQuery = 'invalid_query',
  InvalidBody = 'invalid_body',
  ForbiddenPort = 'forbidden_port',
  UnknownKpi = 'unknown_kpi',
}

export class ApiException extends Error {
  constructor(
    readonly code: ApiErrorCode,
    readonly detail: string,
  ) {
    super(detail);
  }
}

const STATUS: Record<ApiErrorCode, number> = {
  [ApiErrorCode.UnknownPort]: HttpStatus.NOT_FOUND,
  [ApiErrorCode.InvalidQuery]: HttpStatus.BAD_REQUEST,
  [ApiErrorCode.InvalidBody]: HttpStatus.BAD_REQUEST,
  [ApiErrorCode.ForbiddenPort]: HttpStatus.FORBIDDEN,
  [ApiErrorCode.UnknownKpi]: HttpStatus.NOT_FOUND,
};

@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (error instanceof ApiException) {
      response.status(STATUS[error.code]).json({ error: error.code, detail: error.detail });
    } else if (error instanceof HttpException) {
      const status = error.getStatus();
      const code =
        status === 401
          ? 'unauthorized'
          : status === 403
            ? 'forbidden'
            : status === 404
              ? 'not_found'
              : status === 413
                ? 'payload_too_large'
                : 'http_error';
      response.status(status).json({ error: code, detail: error.message });
    } else {
      console.error('api: unexpected error', error);
      response.status(HttpStatus.INTERNAL_SERVER_ERROR).json({ error: 'internal', detail: 'internal error' });
    }
  }
}
