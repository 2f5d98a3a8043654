/**
 * Stable reasons a filing is refused. The same codes travel as the `x-reject-reason` header on
 * dead-lettered filings and in HTTP ingest answers, so publishers can match on them.
 */
export enum FilingRejectCode {
  /** The body is not valid UTF-8. */
  InvalidEncoding = 'invalid_encoding',
  InvalidJson = 'invalid_json',
  InvalidXml = 'invalid_xml',
  /** XML with a DOCTYPE or entity declarations; never expanded. */
  XmlDoctypeForbidden = 'xml_doctype_forbidden',
  UnsupportedContentType = 'unsupported_content_type',
  InvalidEnvelope = 'invalid_envelope',
  UnknownType = 'unknown_type',
  UnknownPort = 'unknown_port',
  ValidationFailed = 'validation_failed',
  FutureTime = 'future_time',
  Conflict = 'conflict',
  Oversize = 'oversize',
  /** An HTTP credential of one port published for another (HTTP ingest only). */
  ForbiddenPort = 'forbidden_port',
  /** The filing tripped an unexpected error while being validated. */
  ProcessingError = 'processing_error',
  /** Processing failed again and again for a reason outside the filing (bounded retries). */
  RetriesExhausted = 'retries_exhausted',
  /**
   * An accepted event the scorer failed on again and again, alone in its batch; its bytes are the
   * canonical event, and a re-drive sends it back to the events topic.
   */
  ScoringFailed = 'scoring_failed',
}

/** Every reason code with what it means, for documentation and `portscore dlq`. */
export const REJECT_REASONS: Record<FilingRejectCode, string> = {
  [FilingRejectCode.InvalidEncoding]: 'the body is not valid UTF-8',
  [FilingRejectCode.InvalidJson]: 'the body (or binary-mode payload) is not JSON',
  [FilingRejectCode.InvalidXml]: 'the XML payload is not well-formed, or its root does not match ce_type',
  [FilingRejectCode.XmlDoctypeForbidden]: 'the XML declares a DOCTYPE or entities (never expanded)',
  [FilingRejectCode.UnsupportedContentType]: 'the content-type is none of the accepted ones',
  [FilingRejectCode.InvalidEnvelope]:
    'a CloudEvents attribute is missing or malformed (specversion, id, source, time, …)',
  [FilingRejectCode.UnknownType]: 'the type is not an event type of the contract',
  [FilingRejectCode.UnknownPort]: 'the port is not registered in seeds/ports.json',
  [FilingRejectCode.ValidationFailed]: 'a data field breaks the contract (the detail names field and rule)',
  [FilingRejectCode.FutureTime]: 'the event time is more than 5 minutes ahead of the ingest clock',
  [FilingRejectCode.Conflict]: 'the same (source, id) was accepted before with different content',
  [FilingRejectCode.Oversize]: 'the body is larger than MAX_FILING_BYTES (1 MiB by default)',
  [FilingRejectCode.ForbiddenPort]: 'the credential used over HTTP may publish only for its own port',
  [FilingRejectCode.ProcessingError]: 'validating the filing raised an unexpected error (the detail says which)',
  [FilingRejectCode.RetriesExhausted]: 'processing failed repeatedly for a transient reason; re-drive it',
  [FilingRejectCode.ScoringFailed]:
    'an accepted event the scorer failed on repeatedly, on its own (the detail gives the error); re-drive it to the events topic after the fix',
};

export class FilingRejectedException extends Error {
  constructor(
    readonly code: FilingRejectCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'FilingRejectedException';
  }
}
