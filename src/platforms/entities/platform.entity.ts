import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { CalibrationFit } from '../../predictions/calibration';
import type { GraphOptimization } from '../runtime';

export type PlatformKind = 'cpu' | 'gpu' | 'npu' | 'other';
export const PLATFORM_KINDS: PlatformKind[] = ['cpu', 'gpu', 'npu', 'other'];

@Entity('platforms')
export class PlatformEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** Null for reference platforms, which every tenant sees and none may change. */
  @Column('uuid', { name: 'tenant_id', nullable: true })
  tenantId: string | null;

  @Column('text')
  slug: string;

  @Column('text')
  name: string;

  @Column('text')
  kind: PlatformKind;

  @Column('text')
  description: string;

  @Column('uuid', { name: 'derived_from_id', nullable: true })
  derivedFromId: string | null;

  @Column('double precision', { nullable: true })
  scale: number | null;

  /** Set when the scale was fitted from whole-model measurements. */
  @Column('jsonb', { nullable: true })
  calibration: CalibrationFit | null;

  /** The runtime its latencies describe (`onnxruntime`, `pytorch-eager`, …); a derived platform's is its base's. */
  @Column('text')
  runtime: string;

  /** The graph optimisation it answers for when a request names none; null for a runtime without modes. */
  @Column('text', { name: 'default_graph_optimization', nullable: true })
  defaultGraphOptimization: GraphOptimization | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
