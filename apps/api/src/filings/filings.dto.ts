import { ApiProperty } from '@nestjs/swagger';

export class FilingResultDto {
  @ApiProperty({ enum: ['accepted', 'duplicate', 'rejected'] }) status!: string;
  @ApiProperty({ required: false, example: 'urn:cnsha:quarantine' }) source?: string;
  @ApiProperty({ required: false, example: 'evt-1' }) id?: string;
  @ApiProperty({ required: false, example: 'validation_failed', description: 'stable reject reason code' })
  reason?: string;
  @ApiProperty({ required: false, example: 'data.kind must be one of the following values: food, animal_plant' })
  detail?: string;
  @ApiProperty({ required: false, example: 'http', description: 'where a rejected filing came from' })
  origin?: string;
  @ApiProperty({ required: false, example: 'CNSHA', description: 'the port a rejected filing named, when readable' })
  port?: string;
}

export class IngestResponseDto {
  @ApiProperty() accepted!: number;
  @ApiProperty() duplicates!: number;
  @ApiProperty() rejected!: number;
  @ApiProperty({ type: [FilingResultDto], description: 'one result per event, in request order' })
  results!: FilingResultDto[];
}
