import 'reflect-metadata';

import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsISO4217CurrencyCode,
  IsNumber,
  IsObject,
  IsString,
  Length,
  Matches,
  Min,
  ValidateNested,
} from 'class-validator';

import { IsRfc3339 } from '../rfc3339';
import { IsId, MaxDecimalPlaces } from './rules';

export const FEE_CHANNELS = ['single_window', 'app', 'website', 'notice_board'] as const;

const FINITE = { allowNaN: false, allowInfinity: false };

/** One published fee: a unit price. */
export class FeeItem {
  @IsString() @Length(1, 64) code!: string;
  @IsString() @Length(1, 256) name!: string;
  @IsString() @Length(1, 32) unit!: string;
  @IsNumber(FINITE) @MaxDecimalPlaces(6) @Min(0) amount!: number;
  @IsISO4217CurrencyCode()
  @Matches(/^[A-Z]{3}$/, { message: '$property must be an upper-case ISO 4217 code' })
  currency!: string;
}

/** One charged line: a line total for a quantity of a fee code. */
export class ChargeLine {
  @IsString() @Length(1, 64) code!: string;
  @IsNumber(FINITE) @MaxDecimalPlaces(6) @Min(0) quantity!: number;
  @IsNumber(FINITE) @MaxDecimalPlaces(6) @Min(0) amount!: number;
  @IsISO4217CurrencyCode()
  @Matches(/^[A-Z]{3}$/, { message: '$property must be an upper-case ISO 4217 code' })
  currency!: string;
}

/** sw.fee.catalogue.published.v1 — an operator published its fee catalogue (M23, M24). */
export class FeeCataloguePublishedData {
  @IsId() operatorId!: string;
  @IsIn(FEE_CHANNELS) channel!: (typeof FEE_CHANNELS)[number];
  @IsRfc3339() effectiveFrom!: string;
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2000)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => FeeItem)
  items!: FeeItem[];
}

/** sw.fee.charged.v1 — an operator invoiced fees (M23, M24). */
export class FeeChargedData {
  @IsId() operatorId!: string;
  @IsId() invoiceId!: string;
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2000)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => ChargeLine)
  lines!: ChargeLine[];
}
