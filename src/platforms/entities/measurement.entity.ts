import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type MeasurementSource = 'upload' | 'trace' | 'reference' | 'self-profile';

@Entity('measurements')
export class MeasurementEntity {
  @PrimaryColumn('uuid', { name: 'platform_id' })
  platformId: string;

  @PrimaryColumn('uuid', { name: 'model_id' })
  modelId: string;

  /** The node's position in the model's topological order: names repeat across models, never match by name alone. */
  @PrimaryColumn('integer', { name: 'node_idx' })
  nodeIdx: number;

  @Column('text', { name: 'node_name' })
  nodeName: string;

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

  /** The job that wrote the row (self-profiling), so a retried job's writes are recognisably its own. */
  @Column('uuid', { name: 'job_id', nullable: true })
  jobId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
