import { ApiProperty } from '@nestjs/swagger';

const STATUS_LEVELS = ['none', 'pilot', 'partial', 'full'];

export class KpiDefinitionDto {
  @ApiProperty({ example: 'm1.instant_share' }) id!: string;
  @ApiProperty({ example: 'Permits decided within 1 hour', description: 'English only' }) title!: string;
  @ApiProperty({ enum: ['share', 'hours', 'ratio', 'count'] }) unit!: string;
  @ApiProperty({ enum: ['up', 'down'], description: 'whether higher or lower values are better' }) direction!: string;
  @ApiProperty({ example: 0.9 }) target!: number;
  @ApiProperty({ example: 5, description: 'samples a window needs to be scored' }) minSamples!: number;
  @ApiProperty({ example: 'decided permits whose decided-applied <= 1 h / decided permits (both events needed)' })
  definition!: string;
}

export class MeasureDto {
  @ApiProperty({ example: 1, minimum: 1, maximum: 29 }) number!: number;
  @ApiProperty({ example: '进一步压缩检疫审批许可时长' }) titleZh!: string;
  @ApiProperty({ description: 'the text of the measure, in Chinese' }) textZh!: string;
  @ApiProperty({ example: 'Shorter quarantine approval' }) titleEn!: string;
  @ApiProperty({ type: [KpiDefinitionDto], description: 'empty for a measure scored from status reports only' })
  kpis!: KpiDefinitionDto[];
  @ApiProperty({ enum: STATUS_LEVELS, description: 'the implementation status that scores 100' })
  statusTarget!: string;
}

export class StatusScaleDto {
  @ApiProperty({ example: 0 }) none!: number;
  @ApiProperty({ example: 1 }) pilot!: number;
  @ApiProperty({ example: 2 }) partial!: number;
  @ApiProperty({ example: 3 }) full!: number;
}

export class CatalogueDto {
  @ApiProperty({ example: '2024.1' }) version!: string;
  @ApiProperty({ description: 'the document the catalogue was drawn from' }) source!: string;
  @ApiProperty({ type: StatusScaleDto, description: 'points of each implementation status' })
  statusScale!: StatusScaleDto;
  @ApiProperty({ type: [MeasureDto], description: 'the 29 measures, in order' }) measures!: MeasureDto[];
}

export class PortDto {
  @ApiProperty({ example: 'CNSHA' }) id!: string;
  @ApiProperty({ example: 'Shanghai' }) name!: string;
  @ApiProperty({ example: '上海' }) nameZh!: string;
  @ApiProperty({ enum: ['sea', 'air', 'rail', 'road'] }) kind!: string;
  @ApiProperty({ example: 'CN' }) country!: string;
  @ApiProperty({ example: 'Asia/Shanghai', description: 'IANA time zone of its windows' }) timeZone!: string;
}
