import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { PredictorArtifact } from '../../predictors/predictor-runtime';

/** A predictor trained for a tenant's platform; the newest one of a platform is the active one. */
@Entity('predictors')
export class PredictorEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'platform_id' })
  platformId: string;

  @Column('jsonb')
  artifact: PredictorArtifact;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

@Entity('predictor_networks')
export class PredictorNetworkEntity {
  @PrimaryColumn('uuid', { name: 'predictor_id' })
  predictorId: string;

  @PrimaryColumn('text')
  file: string;

  @Column('bytea')
  onnx: Buffer;
}
