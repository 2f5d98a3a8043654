import { IsBoolean, IsIn, IsString, Length, Matches, ValidateIf } from 'class-validator';

import { IsId, IsOmittable } from './rules';

export const CLEARANCE_MILESTONES = [
  'arrived',
  'declared',
  'inspection_ordered',
  'sampled',
  'conditionally_released',
  'released',
] as const;
export const GOODS = ['fresh_produce', 'general', 'rnd_material', 'dangerous_goods', 'ecommerce'] as const;
export const CREDIT_LEVELS = ['advanced', 'general', 'discredited'] as const;
export const TRANSPORT_DOCUMENT_STATUSES = ['ISSUED', 'SURRENDERED', 'SWITCHED_TO_PAPER', 'VOID', 'OTHER'] as const;
export const ISSUER_ROLES = ['carrier', 'forwarder', 'trade_service_enterprise'] as const;
export const GATE_DIRECTIONS = ['gate_in', 'gate_out'] as const;
export const HANDOVER_MODES = ['sea', 'air', 'rail', 'road'] as const;
export const HANDOVER_PATTERNS = ['apron_direct_pickup', 'rail_direct_loading', 'standard'] as const;
export const DUAL_DESTINATIONS = ['HK', 'MO'] as const;

/** sw.clearance.milestone.v1 — a customs declaration reached a milestone (M2, M3, M8, M17). */
export class ClearanceMilestoneData {
  @IsId() declarationId!: string;
  @IsIn(CLEARANCE_MILESTONES) milestone!: (typeof CLEARANCE_MILESTONES)[number];
  @IsIn(GOODS) goods!: (typeof GOODS)[number];
  @IsId() enterpriseId!: string;
  @IsIn(CREDIT_LEVELS) creditLevel!: (typeof CREDIT_LEVELS)[number];
}

/** sw.transport_document.v1 — a bill of lading changed state (M12, M20). */
export class TransportDocumentData {
  @IsId() transportDocumentReference!: string;
  @IsIn(TRANSPORT_DOCUMENT_STATUSES) status!: (typeof TRANSPORT_DOCUMENT_STATUSES)[number];
  @IsBoolean() isElectronic!: boolean;
  @IsIn(ISSUER_ROLES) issuerRole!: (typeof ISSUER_ROLES)[number];
  /** DCSA eBL platform code, e.g. WAVE, CARX, BOLE. */
  @IsOmittable() @IsString() @Length(1, 32) platform?: string;
}

/** sw.equipment_interchange.v1 — a container passed the gate with an interchange receipt (M20). */
export class EquipmentInterchangeData {
  @IsId() eirId!: string;
  /** ISO 6346: owner code, category, serial number and check digit. */
  @Matches(/^[A-Z]{3}[UJZR]\d{7}$/, { message: '$property must be an ISO 6346 container number such as MSCU1234565' })
  containerNumber!: string;
  @IsIn(GATE_DIRECTIONS) direction!: (typeof GATE_DIRECTIONS)[number];
  @IsBoolean() electronic!: boolean;
}

/** sw.cargo.handover.v1 — cargo handed over between modes or to the consignee (M4). */
export class CargoHandoverData {
  @IsId() shipmentId!: string;
  @IsIn(HANDOVER_MODES) mode!: (typeof HANDOVER_MODES)[number];
  @IsIn(HANDOVER_PATTERNS) pattern!: (typeof HANDOVER_PATTERNS)[number];
  @IsBoolean() multimodal!: boolean;
  @IsBoolean() singleDocument!: boolean;
}

/** sw.declaration.dual.v1 — a declaration for Hong Kong or Macao, with or without dual submission (M22). */
export class DeclarationDualData {
  @IsId() declarationId!: string;
  @IsIn(DUAL_DESTINATIONS) destination!: (typeof DUAL_DESTINATIONS)[number];
  @IsBoolean() dualSubmission!: boolean;
}

/** sw.enterprise.credit.v1 — an enterprise's customs credit level (M27). */
export class EnterpriseCreditData {
  @IsId() enterpriseId!: string;
  @IsIn(CREDIT_LEVELS) level!: (typeof CREDIT_LEVELS)[number];
}

/** Fields required only on one stage of a case, by class name (read by the JSON Schema generator). */
export const STAGE_REQUIREMENTS = new Map<string, Array<{ stage: string; property: string }>>();

/** Required on one stage, optional (but still checked when present) on the others. */
export function RequiredOnStage(stage: string): PropertyDecorator {
  return (target, property) => {
    const name = target.constructor.name;
    STAGE_REQUIREMENTS.set(name, [...(STAGE_REQUIREMENTS.get(name) ?? []), { stage, property: String(property) }]);
    ValidateIf((o: { stage?: string }, value: unknown) => o.stage === stage || value !== undefined)(target, property);
  };
}
