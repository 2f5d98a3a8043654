import type { CanonicalEvent } from '@portscore/contracts';
import { eventKey } from '@portscore/contracts';

/**
 * A milestone of a case, as one event reports it. A case is keyed by (port, caseType, caseId);
 * plain events (certificates, …) are one-milestone cases keyed by their (source, id), so that
 * shares over them count distinct events.
 */
export interface CaseFact {
  port: string;
  caseType: string;
  caseId: string;
  milestone: string;
  at: Date;
  attrs: Record<string, unknown>;
  /** The event that reported it; breaks ties between facts of the same time. */
  eventKey: string;
}

export function extractFacts(event: CanonicalEvent): CaseFact[] {
  const at = new Date(event.time);
  const base = { port: event.port, at, attrs: event.data, eventKey: eventKey(event) };
  const data = event.data as Record<string, string>;
  switch (event.type) {
    case 'sw.permit.applied.v1':
      return [{ ...base, caseType: 'permit', caseId: data.permitId!, milestone: 'applied' }];
    case 'sw.permit.decided.v1':
      return [{ ...base, caseType: 'permit', caseId: data.permitId!, milestone: 'decided' }];
    case 'sw.certificate.issued.v1':
      return [{ ...base, caseType: 'certificate', caseId: eventKey(event), milestone: 'issued' }];
    default:
      // Types that feed no KPI rule yet are stored as events only.
      return [];
  }
}

/** Keeps, per case milestone, the earliest fact (ties: the smaller event key), so order never matters. */
export function earlierFact(a: CaseFact, b: CaseFact): CaseFact {
  const diff = a.at.getTime() - b.at.getTime();
  if (diff !== 0) return diff < 0 ? a : b;
  return a.eventKey <= b.eventKey ? a : b;
}

export function caseKey(fact: Pick<CaseFact, 'port' | 'caseType' | 'caseId'>): string {
  return `${fact.port}\u0000${fact.caseType}\u0000${fact.caseId}`;
}

export function mergeFacts(facts: Iterable<CaseFact>): CaseFact[] {
  const merged = new Map<string, CaseFact>();
  for (const fact of facts) {
    const key = `${caseKey(fact)}\u0000${fact.milestone}`;
    const known = merged.get(key);
    merged.set(key, known ? earlierFact(known, fact) : fact);
  }
  return [...merged.values()];
}
