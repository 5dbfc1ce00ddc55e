import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { Dim, OpsetImport } from '../../onnx/types';

export interface StoredValueInfo {
  name: string;
  elemType: number;
  shape: Dim[] | null;
}

/** Parses bigint columns, which pg returns as strings, back into numbers (file sizes stay far below 2^53). */
const bigintAsNumber = { to: (v: number) => v, from: (v: string | null) => (v == null ? v : Number(v)) };

@Entity('models')
export class ModelEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** Null for the reference models shipped with the reference platforms. */
  @Column('uuid', { name: 'tenant_id', nullable: true })
  tenantId: string | null;

  @Column('text')
  name: string;

  @Column('integer', { name: 'node_count' })
  nodeCount: number;

  @Column('jsonb')
  inputs: StoredValueInfo[];

  @Column('jsonb')
  outputs: StoredValueInfo[];

  @Column('double precision', { name: 'total_macs' })
  totalMacs: number;

  @Column('double precision')
  params: number;

  @Column('boolean', { name: 'weights_included' })
  weightsIncluded: boolean;

  @Column('boolean', { name: 'is_chain' })
  isChain: boolean;

  @Column('jsonb', { name: 'unsupported_ops' })
  unsupportedOps: string[];

  @Column('integer', { name: 'unresolved_tensors' })
  unresolvedTensors: number;

  @Column('integer')
  opset: number;

  @Column('text')
  producer: string;

  /** Every opset import of the file (null for models stored before they were kept: those cannot be rebuilt). */
  @Column('jsonb', { name: 'opset_imports', nullable: true })
  opsetImports: OpsetImport[] | null;

  @Column('integer', { name: 'ir_version', nullable: true })
  irVersion: number | null;

  @Column('bigint', { name: 'file_bytes', transformer: bigintAsNumber })
  fileBytes: number;

  /** The uploaded file's name: sub-models reference their weights in it (null for rows stored before). */
  @Column('text', { name: 'file_name', nullable: true })
  fileName: string | null;

  /** Hash of the graph without weight bytes (see onnx/fingerprint.ts); null for rows stored before. */
  @Column('text', { nullable: true })
  fingerprint: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
