import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { MeasurementSource } from './measurement.entity';

/** One model run end to end on a platform: what the per-node times must add up to (see issue 4's correction). */
@Entity('whole_model_measurements')
export class WholeModelMeasurementEntity {
  @PrimaryColumn('uuid', { name: 'platform_id' })
  platformId: string;

  @PrimaryColumn('uuid', { name: 'model_id' })
  modelId: string;

  @Column('double precision', { name: 'median_ms' })
  medianMs: number;

  @Column('double precision', { name: 'p10_ms', nullable: true })
  p10Ms: number | null;

  @Column('double precision', { name: 'p90_ms', nullable: true })
  p90Ms: number | null;

  @Column('integer', { nullable: true })
  runs: number | null;

  @Column('text')
  source: MeasurementSource;

  @Column('uuid', { name: 'job_id', nullable: true })
  jobId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
