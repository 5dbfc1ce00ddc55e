/**
 * Shared shapes of the ONNX pipeline. The pipeline runs in fixed stages, each validating its input:
 *   1. read      (reader.ts)   bytes → RawModel           (wire-level, streaming, initializer bytes skipped)
 *   2. graph     (graph.ts)    RawModel → OnnxGraph       (unique names, producers known, acyclic, topological order)
 *   3. shapes    (shapes/)     OnnxGraph → TensorShapes    (own shape inference with constant folding)
 *   4. features  (features.ts) OnnxGraph + shapes → NodeFeatures[]
 * Nothing here imports Nest or the database.
 */

/** ONNX TensorProto.DataType values. */
export enum OnnxDataType {
  UNDEFINED = 0,
  FLOAT = 1,
  UINT8 = 2,
  INT8 = 3,
  UINT16 = 4,
  INT16 = 5,
  INT32 = 6,
  INT64 = 7,
  STRING = 8,
  BOOL = 9,
  FLOAT16 = 10,
  DOUBLE = 11,
  UINT32 = 12,
  UINT64 = 13,
  COMPLEX64 = 14,
  COMPLEX128 = 15,
  BFLOAT16 = 16,
}

/** Bytes per element of each tensor type (strings have none: they are never moved as tensors). */
export const ELEMENT_BYTES: Partial<Record<OnnxDataType, number>> = {
  [OnnxDataType.FLOAT]: 4,
  [OnnxDataType.UINT8]: 1,
  [OnnxDataType.INT8]: 1,
  [OnnxDataType.UINT16]: 2,
  [OnnxDataType.INT16]: 2,
  [OnnxDataType.INT32]: 4,
  [OnnxDataType.INT64]: 8,
  [OnnxDataType.BOOL]: 1,
  [OnnxDataType.FLOAT16]: 2,
  [OnnxDataType.DOUBLE]: 8,
  [OnnxDataType.UINT32]: 4,
  [OnnxDataType.UINT64]: 8,
  [OnnxDataType.COMPLEX64]: 8,
  [OnnxDataType.COMPLEX128]: 16,
  [OnnxDataType.BFLOAT16]: 2,
};

/** A dimension: a number when known, a symbolic name (`batch`) when the file names it, null when unknown. */
export type Dim = number | string | null;

/** A graph input, output or value_info entry. `shape` is undefined when the file gives no shape at all. */
export interface ValueInfo {
  name: string;
  elemType: OnnxDataType;
  shape?: Dim[];
}

/**
 * Where a tensor's bytes lie, recorded while the upload streamed, so that a sub-model can reference them in the
 * user's own file instead of the service ever holding weights:
 * - `file`: contiguous little-endian bytes inside the uploaded file (raw_data, or a packed float_data/double_data
 *   field, which is laid out exactly as ONNX raw data), at an absolute offset;
 * - `external`: the file's own external-data reference (a graph-only upload), kept as it was;
 * - `scattered`: bytes that are not one contiguous run (varint-packed int32/int64/uint64 data, unpacked or
 *   repeated fields, strings): only the small decoded `values` can stand in for them.
 */
export type TensorData =
  | { kind: 'file'; offset: number; length: number }
  | { kind: 'external'; location: string; offset: number; length: number | null }
  | { kind: 'scattered'; field: string };

/**
 * A tensor whose bytes were NOT materialised, except small integer tensors (shape operands such as Reshape
 * targets) which carry `values` when the data was inline and under the reader's cap.
 */
export interface TensorStub {
  name: string;
  dataType: OnnxDataType;
  dims: number[];
  /** True when the data lives in an external file (data_location = EXTERNAL). */
  external: boolean;
  /** Bytes of data the file declared inline (0 for external or empty tensors). Never read into memory. */
  inlineByteLength: number;
  /** Decoded values for small INT64/INT32/FLOAT/... tensors only (see reader cap). */
  values?: number[];
  /** Where the bytes are; absent when the tensor declares no data at all (an empty tensor). */
  data?: TensorData;
}

export type AttributeValue =
  | { kind: 'float'; value: number }
  | { kind: 'int'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'floats'; value: number[] }
  | { kind: 'ints'; value: number[] }
  | { kind: 'strings'; value: string[] }
  | { kind: 'tensor'; value: TensorStub }
  | { kind: 'graph' }
  | { kind: 'other'; type: number };

export interface RawNode {
  /** As in the file; may be empty (real exporters emit nameless nodes). */
  name: string;
  opType: string;
  domain: string;
  /** Input tensor names; '' marks an omitted optional input, as in ONNX. */
  inputs: string[];
  outputs: string[];
  attributes: Record<string, AttributeValue>;
}

export interface OpsetImport {
  domain: string;
  version: number;
}

export interface RawModel {
  irVersion: number;
  opsets: OpsetImport[];
  producerName: string;
  graphName: string;
  nodes: RawNode[];
  initializers: TensorStub[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  valueInfo: ValueInfo[];
  /** Total bytes consumed from the source. */
  bytesRead: number;
}

export interface GraphNode extends RawNode {
  /** Stable unique name: the file's name, `<OpType>_<index>` when nameless, `<name>#2` for repeats. */
  uniqueName: string;
  /** Position in topological order (0-based). */
  index: number;
}

export interface OnnxGraph {
  model: RawModel;
  /** Nodes in a topological order (stable: file order wherever the file order is already valid). */
  nodes: GraphNode[];
  /** Initializer name → stub. */
  initializers: Map<string, TensorStub>;
  /** Graph inputs that are not initializers (the real model inputs). */
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  /** Tensor name → index of its producing node in `nodes`. Graph inputs and initializers are absent. */
  producerOf: Map<string, number>;
  /** Tensor name → indices of consuming nodes. */
  consumersOf: Map<string, number[]>;
}

export interface TensorShape {
  elemType: OnnxDataType;
  dims: Dim[];
}

export interface ShapeInferenceResult {
  /** Every tensor of the graph (inputs, initializers, node outputs) → its shape, where it could be inferred. */
  shapes: Map<string, TensorShape>;
  /** Constant-folded values of small integer tensors (shape computations): tensor name → values. */
  constants: Map<string, number[]>;
  /** Op types with no inference rule (their outputs may lack shapes). */
  unsupportedOps: string[];
}

export interface NodeFeatures {
  index: number;
  name: string;
  opType: string;
  attributes: Record<string, AttributeValue>;
  inputs: string[];
  inputShapes: (Dim[] | null)[];
  /** elemType is 0 when unknown, and absent on rows stored before it was kept. */
  outputs: { name: string; elemType?: OnnxDataType; shape: Dim[] | null; bytes: number | null }[];
  macs: number;
  params: number;
  inBytes: number;
  outBytes: number;
  /** True when every input is an initializer or the output of another constant node (DESIGN.md: folded, 0 µs). */
  isConstant: boolean;
  /** True when the op has no MAC rule and its MACs fall back to output elements. */
  macsFallback: boolean;
}

export enum OnnxErrorCode {
  NOT_ONNX = 'NOT_ONNX',
  TRUNCATED = 'TRUNCATED',
  MALFORMED = 'MALFORMED',
  FIELD_TOO_LARGE = 'FIELD_TOO_LARGE',
  EMPTY_GRAPH = 'EMPTY_GRAPH',
  UNSUPPORTED_OPSET = 'UNSUPPORTED_OPSET',
  UNKNOWN_TENSOR = 'UNKNOWN_TENSOR',
  DUPLICATE_PRODUCER = 'DUPLICATE_PRODUCER',
  CYCLE = 'CYCLE',
  SHAPE_MISMATCH = 'SHAPE_MISMATCH',
  BAD_INPUT_SHAPE = 'BAD_INPUT_SHAPE',
  /** The model asks for more than a configured cap allows (nodes, rank, elements, structure bytes). */
  OVER_LIMIT = 'OVER_LIMIT',
}

/** Every failure of the pure ONNX pipeline: a code for the HTTP mapping, a message naming the problem. */
export class OnnxError extends Error {
  constructor(
    readonly code: OnnxErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'OnnxError';
  }
}

/**
 * Inline tensors with at most this many elements, of a numeric type, are decoded into `TensorStub.values`:
 * shape operands (Reshape targets, ConstantOfShape inputs, Slice bounds, Resize scales) need their values, and
 * this cap keeps the memory bound regardless of file size.
 */
export const SMALL_TENSOR_MAX_ELEMENTS = 1024;
