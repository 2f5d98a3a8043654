import { IsBoolean, IsIn, IsISO31661Alpha2, Matches } from 'class-validator';

import { IsId, IsOmittable } from './rules';

export const PERMIT_KINDS = ['food', 'animal_plant'] as const;
export const PERMIT_CHANNELS = ['electronic', 'paper'] as const;
export const PERMIT_DECISIONS = ['approved', 'rejected'] as const;
export const CERTIFICATE_KINDS = ['entry_inspection', 'sps', 'origin', 'health'] as const;
export const TRADE_DIRECTIONS = ['import', 'export'] as const;

/** sw.permit.applied.v1 — a quarantine approval permit was applied for (M1). */
export class PermitAppliedData {
  @IsId() permitId!: string;
  @IsIn(PERMIT_KINDS) kind!: (typeof PERMIT_KINDS)[number];
  @IsIn(PERMIT_CHANNELS) channel!: (typeof PERMIT_CHANNELS)[number];
}

/** sw.permit.decided.v1 — the permit was approved or rejected (M1). */
export class PermitDecidedData {
  @IsId() permitId!: string;
  @IsIn(PERMIT_KINDS) kind!: (typeof PERMIT_KINDS)[number];
  @IsIn(PERMIT_DECISIONS) decision!: (typeof PERMIT_DECISIONS)[number];
}

/** sw.certificate.issued.v1 — an inspection, SPS, origin or health certificate (M1, M18). */
export class CertificateIssuedData {
  @IsId() certificateId!: string;
  @IsIn(CERTIFICATE_KINDS) kind!: (typeof CERTIFICATE_KINDS)[number];
  @IsIn(TRADE_DIRECTIONS) direction!: (typeof TRADE_DIRECTIONS)[number];
  /** ISO 3166-1 alpha-2 code of the trading partner, upper case as the code list writes it. */
  @IsISO31661Alpha2()
  @Matches(/^[A-Z]{2}$/, { message: '$property must be an upper-case ISO 3166-1 alpha-2 code' })
  partnerCountry!: string;
  @IsBoolean() electronic!: boolean;
  /** Optional; false when absent. */
  @IsOmittable() @IsBoolean() verifiedOnline?: boolean;
}
