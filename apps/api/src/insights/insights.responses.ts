import { ApiProperty, getSchemaPath } from '@nestjs/swagger';

const GRAINS = ['day', 'week', 'month'];

export class SeriesPointDto {
  @ApiProperty({ example: '2026-10-01T00:00:00+08:00' }) windowStart!: string;
  @ApiProperty({ example: '2026-10-02T00:00:00+08:00', description: 'exclusive' }) windowEnd!: string;
  @ApiProperty({ type: Number, nullable: true, example: 0.8 }) value!: number | null;
  @ApiProperty({ example: 12 }) samples!: number;
  @ApiProperty({ example: 0.9 }) target!: number;
  @ApiProperty({ type: Number, nullable: true, example: 0.889, description: 'null when not scored' })
  attainment!: number | null;
  @ApiProperty({ description: 'whether the window had the minimum samples to be scored' }) scored!: boolean;
  @ApiProperty({ example: '2024.1' }) catalogueVersion!: string;
}

export class SeriesDto {
  @ApiProperty({ example: 'CNSHA' }) port!: string;
  @ApiProperty({ example: 'm1.instant_share' }) kpi!: string;
  @ApiProperty({ enum: GRAINS }) grain!: string;
  @ApiProperty({ type: [SeriesPointDto], description: 'oldest first; only windows with data' })
  points!: SeriesPointDto[];
}

export class MatrixMeasureDto {
  @ApiProperty({ example: 1, minimum: 1, maximum: 29 }) measure!: number;
  @ApiProperty({ type: Number, nullable: true, example: 88.9, description: '0–100; null when there is no data' })
  score!: number | null;
  @ApiProperty({
    enum: ['kpis', 'status', 'none'],
    description: 'from scored KPIs, from the latest status report, or no data',
  })
  basis!: string;
}

export class MatrixPortDto {
  @ApiProperty({ example: 'CNSHA' }) port!: string;
  @ApiProperty({ example: '2026-10-01T00:00:00+08:00' }) windowStart!: string;
  @ApiProperty({ example: '2026-11-01T00:00:00+08:00', description: 'exclusive' }) windowEnd!: string;
  @ApiProperty({ type: Number, nullable: true, example: 72.4, description: 'mean of non-null measure scores' })
  index!: number | null;
  @ApiProperty({ example: 0.62, description: 'measures with a score / 29; 0 without data' }) coverage!: number;
  @ApiProperty({ type: [MatrixMeasureDto], description: 'all 29 measures, in order' })
  measures!: MatrixMeasureDto[];
}

export class ScoreMatrixDto {
  @ApiProperty({ enum: GRAINS }) grain!: string;
  @ApiProperty({ example: '2026-10-15', description: 'the date asked for, or the default one' }) date!: string;
  @ApiProperty({ type: [MatrixPortDto], description: 'every port the key may read, in registry order' })
  ports!: MatrixPortDto[];
}

export class RankedPortDto {
  @ApiProperty({ type: Number, nullable: true, example: 1, description: 'equal scores share a rank; null: no score' })
  rank!: number | null;
  @ApiProperty({ example: 'CNSHA' }) port!: string;
  @ApiProperty({ example: 'Shanghai' }) nameEn!: string;
  @ApiProperty({ example: '上海' }) nameZh!: string;
  @ApiProperty({ example: '2026-10-01T00:00:00+08:00', description: "the port's window containing the date" })
  windowStart!: string;
  @ApiProperty({ example: '2026-11-01T00:00:00+08:00', description: 'exclusive' }) windowEnd!: string;
  @ApiProperty({ type: Number, nullable: true, example: 88.9, description: '0–100; null when there is no data' })
  score!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 0.62,
    description: 'ranking by index: measures with a score / 29; null without data',
  })
  coverage!: number | null;
}

export class RankingDto {
  @ApiProperty({
    oneOf: [
      { type: 'integer', minimum: 1, maximum: 29 },
      { type: 'string', enum: ['index'] },
    ],
    example: 1,
    description: 'the measure ranked by, or index for the port index',
  })
  measure!: number | 'index';
  @ApiProperty({ enum: GRAINS }) grain!: string;
  @ApiProperty({ example: '2026-10-15', description: 'the date asked for, or the default one' }) date!: string;
  @ApiProperty({ type: [RankedPortDto], description: 'every registered port, best first; ports without a score last' })
  ports!: RankedPortDto[];
}

/** A milestone of a case and the event that reported it, identified by (source, id). */
export class MilestoneEventDto {
  @ApiProperty({ example: '2026-10-15T02:00:00.000Z' }) at!: string;
  @ApiProperty({ example: 'urn:cnsha:quarantine', description: 'CloudEvents source of the event' }) source!: string;
  @ApiProperty({ example: 'evt-1', description: 'CloudEvents id of the event' }) id!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'what the event reported' })
  data!: Record<string, unknown>;
}

export class DrillDownCaseDto {
  @ApiProperty({ example: 'CNSHA-P000123' }) caseId!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(MilestoneEventDto) },
    description: 'by milestone name (e.g. applied, decided)',
  })
  milestones!: Record<string, MilestoneEventDto>;
  @ApiProperty({
    example: true,
    description: "whether the case is a sample of the KPI's value (e.g. a decision without its application is not)",
  })
  counted!: boolean;
}

export class CasesPageDto {
  @ApiProperty({ example: 'CNSHA' }) port!: string;
  @ApiProperty({ example: 'm1.instant_share' }) kpi!: string;
  @ApiProperty({ example: '2026-10-01T00:00:00+08:00' }) windowStart!: string;
  @ApiProperty({ example: '2026-11-01T00:00:00+08:00', description: 'exclusive' }) windowEnd!: string;
  @ApiProperty({ example: 240, description: 'cases completed in the window, all pages' }) total!: number;
  @ApiProperty({ example: 236, description: "of them, the samples of the KPI's value" }) counted!: number;
  @ApiProperty({ type: [DrillDownCaseDto], description: 'this page, in order of completion' })
  cases!: DrillDownCaseDto[];
}

export class FeeViolationDto {
  @ApiProperty({ example: 'INV-CNSHA-42' }) invoiceId!: string;
  @ApiProperty({ example: 'CNSHA-TERMINAL' }) operatorId!: string;
  @ApiProperty({ example: '2026-10-15T02:00:00.000Z' }) chargedAt!: string;
  @ApiProperty({ example: 1, description: 'line number on the invoice, from 1' }) line!: number;
  @ApiProperty({ example: 'THC20' }) code!: string;
  @ApiProperty({ example: 2 }) quantity!: number;
  @ApiProperty({ example: 1900 }) amount!: number;
  @ApiProperty({ example: 'CNY' }) currency!: string;
  @ApiProperty({ enum: ['no_catalogue', 'not_in_catalogue', 'above_catalogue'] }) finding!: string;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 1720,
    description: 'quantity × catalogue unit price; null when the code is not in the catalogue',
  })
  allowed!: number | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'CNY',
    description: "the catalogue's currency for the code (currencies are not compared)",
  })
  catalogueCurrency!: string | null;
  @ApiProperty({ example: 'urn:cnsha:fees', description: 'source of the charge event' }) source!: string;
  @ApiProperty({ example: 'evt-1', description: 'id of the charge event' }) eventId!: string;
}

export class FeeViolationsDto {
  @ApiProperty({ example: 'CNSHA' }) port!: string;
  @ApiProperty({ example: 3, description: 'violations in the range, all pages' }) total!: number;
  @ApiProperty({ type: [FeeViolationDto], description: 'this page, oldest charge first' })
  violations!: FeeViolationDto[];
}

export class DataQualityFindingDto {
  @ApiProperty({ enum: ['negative_duration'] }) kind!: string;
  @ApiProperty({ example: 'permit' }) caseType!: string;
  @ApiProperty({ example: 'CNSHA-P000123' }) caseId!: string;
  @ApiProperty({ example: 'applied', description: 'milestone starting the span' }) from!: string;
  @ApiProperty({ example: 'decided', description: 'milestone ending the span' }) to!: string;
  @ApiProperty({ example: '2026-11-12T02:00:00.000Z' }) fromAt!: string;
  @ApiProperty({ example: '2026-11-12T00:30:00.000Z' }) toAt!: string;
  @ApiProperty({ example: -1.5, description: 'toAt − fromAt in hours (negative)' }) hours!: number;
  @ApiProperty({ type: [String], example: ['m1.instant_share', 'm1.p90_hours'], description: 'KPIs that left it out' })
  kpis!: string[];
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'urn:cnsha:quarantine CNSHA-P000123-applied',
    description: 'the event behind the from milestone: source and id, separated by a space',
  })
  fromEvent!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'urn:cnsha:quarantine CNSHA-P000123-decided',
    description: 'the event behind the to milestone: source and id, separated by a space',
  })
  toEvent!: string | null;
}

export class DataQualityDto {
  @ApiProperty({ example: 'CNSHA' }) port!: string;
  @ApiProperty({ example: 2, description: 'findings in the range, all pages' }) total!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { 'm1.instant_share': 2, 'm1.p90_hours': 2 },
    description: 'findings per KPI, all pages',
  })
  byKpi!: Record<string, number>;
  @ApiProperty({ type: [DataQualityFindingDto], description: 'this page, by time of the to milestone' })
  findings!: DataQualityFindingDto[];
}

export class DeadLetterDto {
  @ApiProperty({ example: '1042', description: 'pass as before for the next page' }) id!: string;
  @ApiProperty({ example: 'validation_failed', description: 'stable reject reason code' }) reason!: string;
  @ApiProperty({ example: 'data.kind must be one of the following values: food, animal_plant' }) detail!: string;
  @ApiProperty({ example: 'sw.filings.v1/0/1234', description: 'topic/partition/offset, or http' }) origin!: string;
  @ApiProperty({ type: String, nullable: true, example: 'CNSHA' }) port!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'urn:cnsha:quarantine' }) source!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'evt-1' }) eventId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'application/cloudevents+json' }) contentType!: string | null;
  @ApiProperty({ example: 512, description: 'body size in bytes' }) size!: number;
  @ApiProperty({ description: 'the start of the body as text (up to 2,000 characters)' }) preview!: string;
  @ApiProperty({ example: '2026-10-15T02:00:00.000Z' }) receivedAt!: string;
}
