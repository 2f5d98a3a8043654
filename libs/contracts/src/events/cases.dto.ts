import { IsBoolean, IsIn, IsInt, IsString, IsUrl, Length, Max, Min } from 'class-validator';

import { RequiredOnStage } from './clearance.dto';
import { IsId, IsOmittable } from './rules';

export const LAB_STAGES = ['sampled', 'result'] as const;
export const LABS = ['customs', 'joint', 'third_party'] as const;
export const REVIEW_STAGES = ['submitted', 'decided'] as const;
export const RETURN_STAGES = ['requested', 'completed'] as const;
export const RETURN_MODELS = ['export_retail', 'bonded_import'] as const;
export const FILING_SOURCES = ['erp', 'manual'] as const;
export const DANGEROUS_PRODUCTS = ['nev_battery', 'airbag', 'seatbelt', 'other'] as const;
export const VERIFICATION_STAGES = ['ordered', 'performed'] as const;
export const DISCLOSURE_STAGES = ['filed', 'decided'] as const;
export const DISCLOSURE_OUTCOMES = ['no_penalty', 'reduced', 'penalized'] as const;
export const STATUS_LEVELS = ['none', 'pilot', 'partial', 'full'] as const;

/** sw.lab.test.v1 — a sample taken, or its result (M5, M26). */
export class LabTestData {
  @IsId() sampleId!: string;
  @IsIn(LAB_STAGES) stage!: (typeof LAB_STAGES)[number];
  @IsIn(LABS) lab!: (typeof LABS)[number];
  /** Required on result: whether customs adopted the result. */
  @RequiredOnStage('result') @IsBoolean() adopted?: boolean;
}

/** sw.tax_exemption.review.v1 — a tax exemption review submitted or decided (M6). */
export class TaxExemptionReviewData {
  @IsId() caseId!: string;
  @IsIn(REVIEW_STAGES) stage!: (typeof REVIEW_STAGES)[number];
  @IsBoolean() erpLinked!: boolean;
}

/** sw.ecommerce.return.v1 — a cross-border e-commerce return requested or completed (M7). */
export class EcommerceReturnData {
  @IsId() returnId!: string;
  @IsIn(RETURN_STAGES) stage!: (typeof RETURN_STAGES)[number];
  @IsIn(RETURN_MODELS) model!: (typeof RETURN_MODELS)[number];
  @IsBoolean() crossCustomsArea!: boolean;
}

/** sw.bonded.filing.v1 — a bonded-zone filing, from an ERP link or keyed in (M9). */
export class BondedFilingData {
  @IsId() filingId!: string;
  @IsIn(FILING_SOURCES) source!: (typeof FILING_SOURCES)[number];
}

/** sw.dangerous_goods.inspection.v1 — an inspection of dangerous goods for export (M10). */
export class DangerousGoodsInspectionData {
  @IsId() lotId!: string;
  @IsIn(DANGEROUS_PRODUCTS) product!: (typeof DANGEROUS_PRODUCTS)[number];
  @IsBoolean() batchInspection!: boolean;
}

/** sw.verification.v1 — a verification order, or its performance on site or remotely (M19). */
export class VerificationData {
  @IsId() orderId!: string;
  @IsId() enterpriseId!: string;
  @IsIn(VERIFICATION_STAGES) stage!: (typeof VERIFICATION_STAGES)[number];
  /** Required on performed; orders performed in one visit share it. */
  @RequiredOnStage('performed') @IsString() @Length(1, 128) visitId?: string;
  @IsBoolean() remote!: boolean;
}

/** sw.disclosure.v1 — a voluntary disclosure filed or decided (M28). */
export class DisclosureData {
  @IsId() caseId!: string;
  @IsIn(DISCLOSURE_STAGES) stage!: (typeof DISCLOSURE_STAGES)[number];
  /** Required on decided. */
  @RequiredOnStage('decided') @IsIn(DISCLOSURE_OUTCOMES) outcome?: (typeof DISCLOSURE_OUTCOMES)[number];
}

/** sw.measure.status.v1 — the implementation level of a measure at a port (every measure). */
export class MeasureStatusData {
  @IsInt() @Min(1) @Max(29) measure!: number;
  @IsIn(STATUS_LEVELS) level!: (typeof STATUS_LEVELS)[number];
  @IsOmittable() @IsUrl({ require_protocol: true, protocols: ['http', 'https'] }) evidence?: string;
}
