/**
 * Plain shapes of the partitions core: a stored model graph and a plan's assignment in, a manifest and one ONNX
 * sub-model per tier out. No Nest, no database: the plans module maps its rows onto these, and the tests cut
 * models through the very same functions.
 */
import type { AttributeValue, Dim, OpsetImport, TensorData } from '../onnx/types';
import type { TransferDtype } from '../planning/types';

export interface GraphValue {
  name: string;
  /** ONNX element type; 0 when unknown. */
  elemType: number;
  shape: Dim[] | null;
}

export interface GraphNodePart {
  /** The stored unique name, as the plan lists it. */
  name: string;
  opType: string;
  domain: string;
  /** '' marks an omitted optional input, as in ONNX. */
  inputs: string[];
  outputs: { name: string; elemType?: number; shape: Dim[] | null }[];
  attributes: Record<string, AttributeValue>;
  isConstant: boolean;
}

export interface GraphInitializer {
  name: string;
  dataType: number;
  dims: number[];
  /** Small decoded values (under the reader's cap), the only stand-in for bytes that are not contiguous. */
  values: number[] | null;
  /** Where the bytes are; null when the tensor declared none (or was stored before locations were kept). */
  data: TensorData | null;
}

/** What the partitions core reads of a stored model (ModelEntity + its nodes and initializers). */
export interface StoredGraph {
  irVersion: number;
  opsets: OpsetImport[];
  /** The uploaded file's name: sub-models reference their weights in a file of that name, beside them. */
  fileName: string;
  inputs: GraphValue[];
  outputs: GraphValue[];
  /** Topological order. */
  nodes: GraphNodePart[];
  initializers: GraphInitializer[];
}

/** What the partitions core reads of a plan. */
export interface PlanAssignment {
  /** Tier names in order (t0 = end device first). */
  tiers: { tier: string; platform: string; nodes: string[] }[];
  transferDtype: TransferDtype;
  /** The plan's inputBytes: what the model input weighs when it leaves the end device. */
  inputBytes: number | null;
}

export type Encoding = 'float32' | 'float16' | 'int8' | 'none';

/** A tensor as a sub-model's graph input or output carries it. */
export interface WireTensor {
  name: string;
  dtype: string;
  shape: Dim[] | null;
}

export interface ManifestInput {
  name: string;
  /** `model-input`: a model input, held by the end device; `tier`: sent by the tier named in `fromTier`. */
  source: 'model-input' | 'tier';
  fromTier: string | null;
  shape: Dim[] | null;
  dtype: string;
  /** Bytes on each link it crosses (0 when it crosses none). */
  bytes: number;
  /** Links it crosses to reach this tier, in order. */
  links: string[];
  encoding: Encoding;
  /** The sub-model's graph inputs that carry it (the encoded pieces, or the tensor itself). */
  wire: WireTensor[];
}

export interface ManifestOutput {
  name: string;
  shape: Dim[] | null;
  dtype: string;
  /** Bytes on each link it crosses. */
  bytes: number;
  /** The later tiers whose nodes consume it. */
  consumers: string[];
  isModelOutput: boolean;
  /** A model output produced past the end device: it travels back to it. */
  returnsToEnd: boolean;
  encoding: Encoding;
  /** The sub-model's graph outputs that carry it. */
  wire: WireTensor[];
}

export interface ManifestTier {
  tier: string;
  index: number;
  platform: string;
  /** The plan's nodes of this tier, in topological order. */
  nodes: string[];
  /** Constant nodes listed on another tier that this tier's nodes also need: copied, never sent. */
  copiedConstants: string[];
  inputs: ManifestInput[];
  outputs: ManifestOutput[];
}

export interface ManifestLink {
  link: string;
  bytes: number;
  tensors: string[];
}

export interface Manifest {
  transferDtype: TransferDtype;
  fileName: string;
  tiers: ManifestTier[];
  /** Per used uplink, what crosses it (agrees with the plan's `transfers`). */
  links: ManifestLink[];
}

export enum PartitionsErrorCode {
  TIER_NOT_FOUND = 'TIER_NOT_FOUND',
  EMPTY_TIER = 'EMPTY_TIER',
  NOT_EXPORTABLE = 'NOT_EXPORTABLE',
  BAD_ASSIGNMENT = 'BAD_ASSIGNMENT',
}

export class PartitionsError extends Error {
  constructor(
    readonly code: PartitionsErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'PartitionsError';
  }
}
