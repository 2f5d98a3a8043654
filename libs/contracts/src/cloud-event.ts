/** A validated, normalised filing: the canonical form carried on `sw.events.v1`. */
export interface CanonicalEvent<TData = Record<string, unknown>> {
  specversion: '1.0';
  id: string;
  source: string;
  type: EventType;
  time: string;
  port: string;
  subject?: string;
  datacontenttype: 'application/json';
  data: TData;
}

export const EVENT_TYPES = [
  'sw.permit.applied.v1',
  'sw.permit.decided.v1',
  'sw.certificate.issued.v1',
  'sw.clearance.milestone.v1',
  'sw.transport_document.v1',
  'sw.equipment_interchange.v1',
  'sw.fee.catalogue.published.v1',
  'sw.fee.charged.v1',
  'sw.cargo.handover.v1',
  'sw.lab.test.v1',
  'sw.tax_exemption.review.v1',
  'sw.ecommerce.return.v1',
  'sw.bonded.filing.v1',
  'sw.dangerous_goods.inspection.v1',
  'sw.verification.v1',
  'sw.declaration.dual.v1',
  'sw.enterprise.credit.v1',
  'sw.disclosure.v1',
  'sw.measure.status.v1',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}

/**
 * `(source, id)` identifies a filing; this is its stable string form. A source holds no white
 * space, so the first space separates the two unambiguously (and the key is storable as text).
 */
export function eventKey(event: Pick<CanonicalEvent, 'source' | 'id'>): string {
  return `${event.source} ${event.id}`;
}
