import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'indicator' })
export class IndicatorEntity {
  @PrimaryColumn({ type: 'text' }) port!: string;
  @PrimaryColumn({ type: 'text' }) kpi!: string;
  @PrimaryColumn({ type: 'text' }) grain!: string;
  @PrimaryColumn({ name: 'window_start', type: 'timestamptz' }) windowStart!: Date;
  @Column({ name: 'window_end', type: 'timestamptz' }) windowEnd!: Date;
  @Column({ name: 'window_start_text', type: 'text' }) windowStartText!: string;
  @Column({ name: 'window_end_text', type: 'text' }) windowEndText!: string;
  @Column({ type: 'smallint' }) measure!: number;
  @Column({ type: 'double precision', nullable: true }) value!: number | null;
  @Column({ type: 'integer' }) samples!: number;
  @Column({ type: 'double precision' }) target!: number;
  @Column({ type: 'double precision', nullable: true }) attainment!: number | null;
  @Column({ type: 'boolean' }) scored!: boolean;
  @Column({ name: 'catalogue_version', type: 'text' }) catalogueVersion!: string;
  @Column({ name: 'computed_at', type: 'timestamptz' }) computedAt!: Date;
}
