import { FilingRejectCode, FilingRejectedException } from '../filing-rejection.exception';
import { isRecord } from '../record';

/** `type` of a DCSA eBL 3 transport document notification (structured CloudEvents JSON). */
export const DCSA_TRANSPORT_DOCUMENT_TYPE = 'org.dcsa.transport-document.v3';

const STATUS: Record<string, string> = {
  ISSUED: 'ISSUED',
  SURRENDER_FOR_DELIVERY: 'SURRENDERED',
  SURRENDER_FOR_AMENDMENT: 'SURRENDERED',
  VOID: 'VOID',
};

/** A DCSA notification converted, with the notification's field behind each converted one. */
export interface DcsaConversion {
  envelope: Record<string, unknown>;
  /** sw.transport_document.v1 data property → the DCSA field it was read from, for rejections. */
  fieldNames: Record<string, string>;
}

/**
 * DCSA eBL 3 notification → sw.transport_document.v1. The notification's own id, source, time and
 * port stay; its status maps as SPEC §2 says (any other DCSA status → OTHER); isElectronic comes
 * from the embedded transport document when present, else true. A DCSA notification is sent by
 * the carrier, so the issuer role is `carrier`; the platform is the document's
 * issueToParty.sendToPlatform when given.
 */
export function fromDcsaNotification(envelope: Record<string, unknown>): DcsaConversion {
  const data = envelope.data;
  if (!isRecord(data)) {
    throw new FilingRejectedException(FilingRejectCode.InvalidEnvelope, 'data: must be a JSON object');
  }
  const document = isRecord(data.transportDocument) ? data.transportDocument : undefined;
  const status = data.transportDocumentStatus;
  if (typeof status !== 'string' || status.length === 0) {
    throw new FilingRejectedException(
      FilingRejectCode.ValidationFailed,
      'data.transportDocumentStatus: is required and must be a DCSA transport document status such as ISSUED',
    );
  }
  const ownReference = data.transportDocumentReference ?? undefined;
  const embeddedReference = ownReference === undefined ? document?.transportDocumentReference : undefined;
  const platform = (document?.issueToParty as Record<string, unknown> | undefined)?.sendToPlatform;
  const mapped: Record<string, unknown> = {
    transportDocumentReference: ownReference ?? embeddedReference,
    // Own entries only: a status such as "toString" is another DCSA status, not a mapping.
    status: Object.hasOwn(STATUS, status) ? STATUS[status] : 'OTHER',
    isElectronic: document && 'isElectronic' in document ? document.isElectronic : true,
    issuerRole: 'carrier',
    ...(platform !== undefined ? { platform } : {}),
  };
  const { subscriptionReference: _subscription, datacontenttype: _contentType, ...attributes } = envelope;
  return {
    envelope: { ...attributes, type: 'sw.transport_document.v1', datacontenttype: 'application/json', data: mapped },
    fieldNames: {
      transportDocumentReference:
        embeddedReference !== undefined
          ? 'data.transportDocument.transportDocumentReference'
          : 'data.transportDocumentReference',
      isElectronic: 'data.transportDocument.isElectronic',
      platform: 'data.transportDocument.issueToParty.sendToPlatform',
    },
  };
}
