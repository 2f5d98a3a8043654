import { IsBoolean, IsIn, IsISO31661Alpha2, IsOptional, IsString, Length } from 'class-validator';

import type { EventType } from './cloud-event';

/** Payloads (`data`) of the v1 event types, validated with class-validator. */

export const PERMIT_KINDS = ['food', 'animal_plant'] as const;
export const PERMIT_CHANNELS = ['electronic', 'paper'] as const;
export const PERMIT_DECISIONS = ['approved', 'rejected'] as const;
export const CERTIFICATE_KINDS = ['entry_inspection', 'sps', 'origin', 'health'] as const;
export const TRADE_DIRECTIONS = ['import', 'export'] as const;

export class PermitAppliedData {
  @IsString() @Length(1, 128) permitId!: string;
  @IsIn(PERMIT_KINDS) kind!: (typeof PERMIT_KINDS)[number];
  @IsIn(PERMIT_CHANNELS) channel!: (typeof PERMIT_CHANNELS)[number];
}

export class PermitDecidedData {
  @IsString() @Length(1, 128) permitId!: string;
  @IsIn(PERMIT_KINDS) kind!: (typeof PERMIT_KINDS)[number];
  @IsIn(PERMIT_DECISIONS) decision!: (typeof PERMIT_DECISIONS)[number];
}

export class CertificateIssuedData {
  @IsString() @Length(1, 128) certificateId!: string;
  @IsIn(CERTIFICATE_KINDS) kind!: (typeof CERTIFICATE_KINDS)[number];
  @IsIn(TRADE_DIRECTIONS) direction!: (typeof TRADE_DIRECTIONS)[number];
  @IsISO31661Alpha2() partnerCountry!: string;
  @IsBoolean() electronic!: boolean;
  /** Optional in the contract; normalised to false when absent. */
  @IsOptional() @IsBoolean() verifiedOnline?: boolean;
}

type DataClass = new () => object;

/** The payload class of each event type: the single place a new type is registered. */
export const EVENT_DATA_CLASSES: Record<EventType, DataClass> = {
  'sw.permit.applied.v1': PermitAppliedData,
  'sw.permit.decided.v1': PermitDecidedData,
  'sw.certificate.issued.v1': CertificateIssuedData,
};

/** Defaults the contract gives to optional fields, applied after validation. */
export const EVENT_DATA_DEFAULTS: Partial<Record<EventType, Record<string, unknown>>> = {
  'sw.certificate.issued.v1': { verifiedOnline: false },
};
