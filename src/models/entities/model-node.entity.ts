import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AttributeValue, Dim } from '../../onnx/types';

export interface StoredTensorOut {
  name: string;
  /** ONNX element type (0 when unknown); absent on rows stored before it was kept. */
  elemType?: number;
  shape: Dim[] | null;
  bytes: number | null;
}

@Entity('model_nodes')
export class ModelNodeEntity {
  @PrimaryColumn('uuid', { name: 'model_id' })
  modelId: string;

  /** Position in topological order. */
  @PrimaryColumn('integer')
  idx: number;

  @Column('text')
  name: string;

  @Column('text', { name: 'op_type' })
  opType: string;

  @Column('text')
  domain: string;

  @Column('jsonb')
  inputs: string[];

  @Column('jsonb', { name: 'input_shapes' })
  inputShapes: (Dim[] | null)[];

  @Column('jsonb')
  outputs: StoredTensorOut[];

  @Column('jsonb')
  attributes: Record<string, AttributeValue>;

  @Column('double precision')
  macs: number;

  @Column('double precision')
  params: number;

  @Column('double precision', { name: 'in_bytes' })
  inBytes: number;

  @Column('double precision', { name: 'out_bytes' })
  outBytes: number;

  @Column('boolean', { name: 'is_constant' })
  isConstant: boolean;

  @Column('boolean', { name: 'macs_fallback' })
  macsFallback: boolean;
}
