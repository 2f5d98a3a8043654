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
