/** `type` of a DCSA eBL 3 transport document notification (structured CloudEvents JSON). */
export const DCSA_TRANSPORT_DOCUMENT_TYPE = 'org.dcsa.transport-document.v3';

const STATUS: Record<string, string> = {
  ISSUED: 'ISSUED',
  SURRENDER_FOR_DELIVERY: 'SURRENDERED',
  SURRENDER_FOR_AMENDMENT: 'SURRENDERED',
  VOID: 'VOID',
};

/**
 * DCSA eBL 3 notification → sw.transport_document.v1. The notification's own id, source, time and
 * port stay; its status maps as SPEC §2 says (any other DCSA status → OTHER); isElectronic comes
 * from the embedded transport document when present, else true. A DCSA notification is sent by
 * the carrier, so the issuer role is `carrier`; the platform is the document's
 * issueToParty.sendToPlatform when given.
 */
export function fromDcsaNotification(envelope: Record<string, unknown>): Record<string, unknown> {
  const data = (envelope.data ?? {}) as Record<string, unknown>;
  const document = (
    typeof data.transportDocument === 'object' && data.transportDocument !== null ? data.transportDocument : undefined
  ) as Record<string, unknown> | undefined;
  const status = typeof data.transportDocumentStatus === 'string' ? data.transportDocumentStatus : undefined;
  const platform = (document?.issueToParty as Record<string, unknown> | undefined)?.sendToPlatform;
  const mapped: Record<string, unknown> = {
    transportDocumentReference: data.transportDocumentReference ?? document?.transportDocumentReference,
    status: status === undefined ? undefined : (STATUS[status] ?? 'OTHER'),
    isElectronic: document && 'isElectronic' in document ? document.isElectronic : true,
    issuerRole: 'carrier',
    ...(platform !== undefined ? { platform } : {}),
  };
  const { subscriptionReference: _subscription, datacontenttype: _contentType, ...attributes } = envelope;
  return { ...attributes, type: 'sw.transport_document.v1', datacontenttype: 'application/json', data: mapped };
}
