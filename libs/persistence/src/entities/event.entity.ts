import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'event' })
export class EventEntity {
  @PrimaryColumn({ type: 'text' }) source!: string;
  @PrimaryColumn({ type: 'text' }) id!: string;
  /** Type, time and data are null only for an event accepted before receipts and events were one row, and scored after. */
  @Column({ type: 'text', nullable: true }) type!: string | null;
  @Column({ type: 'text' }) port!: string;
  @Column({ type: 'timestamptz', nullable: true }) time!: Date | null;
  @Column({ type: 'text', nullable: true }) subject!: string | null;
  @Column({ type: 'jsonb', nullable: true }) data!: Record<string, unknown> | null;
  /** SHA-256 of the event's canonical content: a repeat of the key with another digest is a conflict. */
  @Column({ type: 'text', nullable: true }) digest!: string | null;
  @Column({ name: 'ingested_at', type: 'timestamptz' }) ingestedAt!: Date;
}
