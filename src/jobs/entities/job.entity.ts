import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed';
export const JOB_STATES: readonly JobState[] = ['queued', 'running', 'succeeded', 'failed'];

/** A job as its tenant sees it; the same id is the pg-boss job that delivers it to a worker. */
@Entity('jobs')
export class JobEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('text')
  kind: string;

  @Column('text')
  state: JobState;

  @Column('double precision')
  progress: number;

  @Column('text', { nullable: true })
  message: string | null;

  @Column('jsonb')
  params: Record<string, unknown>;

  @Column('jsonb', { nullable: true })
  result: Record<string, unknown> | null;

  @Column('text', { nullable: true })
  error: string | null;

  @Column('integer')
  attempts: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;
}
