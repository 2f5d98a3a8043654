import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'event' })
export class EventEntity {
  @PrimaryColumn({ type: 'text' }) source!: string;
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'text' }) type!: string;
  @Column({ type: 'text' }) port!: string;
  @Column({ type: 'timestamptz' }) time!: Date;
  @Column({ type: 'text', nullable: true }) subject!: string | null;
  @Column({ type: 'jsonb' }) data!: Record<string, unknown>;
  @Column({ name: 'ingested_at', type: 'timestamptz' }) ingestedAt!: Date;
}
