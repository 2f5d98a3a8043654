import type { EventType } from '../cloud-event';
import {
  BondedFilingData,
  DangerousGoodsInspectionData,
  DisclosureData,
  EcommerceReturnData,
  LabTestData,
  MeasureStatusData,
  TaxExemptionReviewData,
  VerificationData,
} from './cases.dto';
import {
  CargoHandoverData,
  ClearanceMilestoneData,
  DeclarationDualData,
  EnterpriseCreditData,
  EquipmentInterchangeData,
  TransportDocumentData,
} from './clearance.dto';
import { FeeCataloguePublishedData, FeeChargedData } from './fees.dto';
import { CertificateIssuedData, PermitAppliedData, PermitDecidedData } from './quarantine.dto';

export * from './cases.dto';
export * from './clearance.dto';
export * from './fees.dto';
export * from './quarantine.dto';

type DataClass = new () => object;

/** The payload class of each event type: the single place a new type is registered. */
export const EVENT_DATA_CLASSES: Record<EventType, DataClass> = {
  'sw.permit.applied.v1': PermitAppliedData,
  'sw.permit.decided.v1': PermitDecidedData,
  'sw.certificate.issued.v1': CertificateIssuedData,
  'sw.clearance.milestone.v1': ClearanceMilestoneData,
  'sw.transport_document.v1': TransportDocumentData,
  'sw.equipment_interchange.v1': EquipmentInterchangeData,
  'sw.fee.catalogue.published.v1': FeeCataloguePublishedData,
  'sw.fee.charged.v1': FeeChargedData,
  'sw.cargo.handover.v1': CargoHandoverData,
  'sw.lab.test.v1': LabTestData,
  'sw.tax_exemption.review.v1': TaxExemptionReviewData,
  'sw.ecommerce.return.v1': EcommerceReturnData,
  'sw.bonded.filing.v1': BondedFilingData,
  'sw.dangerous_goods.inspection.v1': DangerousGoodsInspectionData,
  'sw.verification.v1': VerificationData,
  'sw.declaration.dual.v1': DeclarationDualData,
  'sw.enterprise.credit.v1': EnterpriseCreditData,
  'sw.disclosure.v1': DisclosureData,
  'sw.measure.status.v1': MeasureStatusData,
};

/** Defaults the contract gives to optional fields, applied after validation. */
export const EVENT_DATA_DEFAULTS: Partial<Record<EventType, Record<string, unknown>>> = {
  'sw.certificate.issued.v1': { verifiedOnline: false },
};
