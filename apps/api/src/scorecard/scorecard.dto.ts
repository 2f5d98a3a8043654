import { ApiProperty } from '@nestjs/swagger';

export class KpiValueDto {
  @ApiProperty({ example: 'm1.instant_share' }) kpi!: string;
  @ApiProperty({ example: 'Permits decided within 1 hour' }) title!: string;
  @ApiProperty({ enum: ['share', 'hours', 'ratio', 'count'] }) unit!: string;
  @ApiProperty({ enum: ['up', 'down'] }) direction!: string;
  @ApiProperty({ type: Number, nullable: true, example: 0.8 }) value!: number | null;
  @ApiProperty({ example: 5 }) samples!: number;
  @ApiProperty({ example: 0.9 }) target!: number;
  @ApiProperty({ example: 5 }) minSamples!: number;
  @ApiProperty({ type: Number, nullable: true, example: 0.889 }) attainment!: number | null;
  @ApiProperty() scored!: boolean;
}

export class MeasureScoreDto {
  @ApiProperty({ example: 1 }) measure!: number;
  @ApiProperty({ example: '进一步压缩检疫审批许可时长' }) titleZh!: string;
  @ApiProperty({ example: 'Shorter quarantine approval' }) titleEn!: string;
  @ApiProperty({ type: Number, nullable: true, description: '0–100; null when there is no data' })
  score!: number | null;
  @ApiProperty({
    enum: ['kpis', 'status', 'none'],
    description: 'from scored KPIs, from the latest status report, or no data',
  })
  basis!: string;
  @ApiProperty({ type: [KpiValueDto] }) kpis!: KpiValueDto[];
}

export class ScorecardDto {
  @ApiProperty({ example: 'CNSHA' }) port!: string;
  @ApiProperty({ enum: ['day', 'week', 'month'] }) grain!: string;
  @ApiProperty({ example: '2026-10-01T00:00:00+08:00' }) windowStart!: string;
  @ApiProperty({ example: '2026-11-01T00:00:00+08:00', description: 'exclusive' }) windowEnd!: string;
  @ApiProperty({ example: '2024.1' }) catalogueVersion!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'mean of non-null measure scores' })
  index!: number | null;
  @ApiProperty({ description: 'measures with a score / 29' }) coverage!: number;
  @ApiProperty({ type: [MeasureScoreDto] }) measures!: MeasureScoreDto[];
}
