import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { PlanDto } from '../plan.response';

@Entity('plans')
export class PlanEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('uuid', { name: 'model_id' })
  modelId: string;

  /** The whole plan as answered, so GET returns exactly what POST did. */
  @Column('jsonb')
  plan: Omit<PlanDto, 'id' | 'createdAt'>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
