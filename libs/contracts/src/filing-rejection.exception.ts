/**
 * Stable reasons a filing is refused. The same codes travel as the `x-reject-reason` header on
 * dead-lettered filings and in HTTP ingest answers, so publishers can match on them.
 */
export enum FilingRejectCode {
  InvalidJson = 'invalid_json',
  UnsupportedContentType = 'unsupported_content_type',
  InvalidEnvelope = 'invalid_envelope',
  UnknownType = 'unknown_type',
  UnknownPort = 'unknown_port',
  ValidationFailed = 'validation_failed',
  FutureTime = 'future_time',
  Conflict = 'conflict',
  Oversize = 'oversize',
}

export class FilingRejectedException extends Error {
  constructor(
    readonly code: FilingRejectCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'FilingRejectedException';
  }
}
