import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { TensorData } from '../../onnx/types';

/**
 * One initializer of a stored model, without its bytes (never stored): enough to synthesise a stand-in of the
 * right type and shape when the model is rebuilt for self-profiling. `values` holds what the reader decoded
 * (small numeric tensors such as Reshape targets), which must be reused exactly.
 */
@Entity('model_initializers')
export class ModelInitializerEntity {
  @PrimaryColumn('uuid', { name: 'model_id' })
  modelId: string;

  @PrimaryColumn('text')
  name: string;

  /** ONNX TensorProto.DataType. */
  @Column('integer', { name: 'data_type' })
  dataType: number;

  @Column('jsonb')
  dims: number[];

  @Column('jsonb', { nullable: true })
  values: number[] | null;

  /** Where the bytes lie in the uploaded file (or the file's own external reference); null when it had none. */
  @Column('jsonb', { nullable: true })
  data: TensorData | null;
}
