import type { CanonicalEvent } from '@portscore/contracts';
import { eventKey } from '@portscore/contracts';

/**
 * A milestone of a case, as one event reports it. A case is keyed by (port, caseType, caseId);
 * plain events (certificates, handovers, charges, …) are one-milestone cases keyed by their
 * (source, id), so that shares over them count distinct events.
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

/** Case types, one per kind of entity the KPIs look at. */
export const CASE_TYPES = {
  permit: 'permit',
  certificate: 'certificate',
  declaration: 'declaration',
  issuedTransportDocument: 'issued_transport_document',
  equipmentInterchange: 'equipment_interchange',
  feeCatalogue: 'fee_catalogue',
  feeCharge: 'fee_charge',
  handover: 'handover',
  labTest: 'lab_test',
  taxReview: 'tax_review',
  ecommerceReturn: 'ecommerce_return',
  bondedFiling: 'bonded_filing',
  dangerousGoodsInspection: 'dangerous_goods_inspection',
  verification: 'verification',
  dualDeclaration: 'dual_declaration',
  creditEvent: 'credit_event',
  disclosure: 'disclosure',
  measureStatus: 'measure_status',
} as const;

export function extractFacts(event: CanonicalEvent): CaseFact[] {
  const at = new Date(event.time);
  const key = eventKey(event);
  const data = event.data as Record<string, unknown>;
  const fact = (caseType: string, caseId: unknown, milestone: unknown): CaseFact[] => [
    {
      port: event.port,
      caseType,
      caseId: String(caseId),
      milestone: String(milestone),
      at,
      attrs: data,
      eventKey: key,
    },
  ];
  switch (event.type) {
    case 'sw.permit.applied.v1':
      return fact(CASE_TYPES.permit, data.permitId, 'applied');
    case 'sw.permit.decided.v1':
      return fact(CASE_TYPES.permit, data.permitId, 'decided');
    case 'sw.certificate.issued.v1':
      return fact(CASE_TYPES.certificate, key, 'issued');
    case 'sw.clearance.milestone.v1':
      return fact(CASE_TYPES.declaration, data.declarationId, data.milestone);
    case 'sw.transport_document.v1':
      // Only ISSUED documents count (M12, M20); other states feed no KPI.
      return data.status === 'ISSUED' ? fact(CASE_TYPES.issuedTransportDocument, key, 'issued') : [];
    case 'sw.equipment_interchange.v1':
      return fact(CASE_TYPES.equipmentInterchange, key, 'interchanged');
    case 'sw.fee.catalogue.published.v1':
      return fact(CASE_TYPES.feeCatalogue, key, 'published');
    case 'sw.fee.charged.v1':
      return fact(CASE_TYPES.feeCharge, key, 'charged');
    case 'sw.cargo.handover.v1':
      return fact(CASE_TYPES.handover, key, 'handed_over');
    case 'sw.lab.test.v1':
      return fact(CASE_TYPES.labTest, data.sampleId, data.stage);
    case 'sw.tax_exemption.review.v1':
      return fact(CASE_TYPES.taxReview, data.caseId, data.stage);
    case 'sw.ecommerce.return.v1':
      return fact(CASE_TYPES.ecommerceReturn, data.returnId, data.stage);
    case 'sw.bonded.filing.v1':
      return fact(CASE_TYPES.bondedFiling, key, 'filed');
    case 'sw.dangerous_goods.inspection.v1':
      return fact(CASE_TYPES.dangerousGoodsInspection, key, 'inspected');
    case 'sw.verification.v1':
      return fact(CASE_TYPES.verification, data.orderId, data.stage);
    case 'sw.declaration.dual.v1':
      return fact(CASE_TYPES.dualDeclaration, key, 'declared');
    case 'sw.enterprise.credit.v1':
      return fact(CASE_TYPES.creditEvent, key, 'rated');
    case 'sw.disclosure.v1':
      return fact(CASE_TYPES.disclosure, data.caseId, data.stage);
    case 'sw.measure.status.v1':
      return fact(CASE_TYPES.measureStatus, key, 'reported');
  }
}

/**
 * Whether report `a` of a milestone comes before report `b`: earlier time, then the smaller event
 * key by code unit (the database compares keys `COLLATE "C"`, the same order for characters of the
 * Basic Multilingual Plane); a report without a key never wins a tie.
 */
export function reportedBefore(a: { at: Date; eventKey?: string }, b: { at: Date; eventKey?: string }): boolean {
  const diff = a.at.getTime() - b.at.getTime();
  if (diff !== 0) return diff < 0;
  return a.eventKey !== undefined && b.eventKey !== undefined && a.eventKey < b.eventKey;
}

/** Keeps, per case milestone, the earliest fact (ties: the smaller event key), so order never matters. */
export function earlierFact(a: CaseFact, b: CaseFact): CaseFact {
  return reportedBefore(b, a) ? b : a;
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
