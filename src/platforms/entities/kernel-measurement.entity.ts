import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { MeasurementSource } from './measurement.entity';

/** A latency measured for one kernel of a model at graph optimisation `all` (the runtime people deploy). */
@Entity('kernel_measurements')
export class KernelMeasurementEntity {
  @PrimaryColumn('uuid', { name: 'platform_id' })
  platformId: string;

  @PrimaryColumn('uuid', { name: 'model_id' })
  modelId: string;

  /** The kernel's name as ORT's optimised graph gives it (the grouping's `Kernel.name`). */
  @PrimaryColumn('text')
  kernel: string;

  @Column('integer', { name: 'main_node_idx' })
  mainNodeIdx: number;

  @Column('double precision', { name: 'median_us' })
  medianUs: number;

  @Column('double precision', { name: 'p10_us', nullable: true })
  p10Us: number | null;

  @Column('double precision', { name: 'p90_us', nullable: true })
  p90Us: number | null;

  @Column('integer', { nullable: true })
  runs: number | null;

  @Column('text')
  source: MeasurementSource;

  @Column('uuid', { name: 'job_id', nullable: true })
  jobId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
