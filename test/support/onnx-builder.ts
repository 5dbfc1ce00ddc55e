/**
 * Builds ONNX models programmatically for tests (graph cycles, unknown tensors, odd encodings...), with onnx-proto
 * doing the encoding. Large weights can be declared as lazy zeros: `streamModel` then yields them chunk by chunk,
 * so a 300 MB model can be fed to the reader without ever existing in memory.
 *
 *   buildModel({
 *     inputs: [value('x', [1, 3, 224, 224])],
 *     outputs: [value('y')],
 *     initializers: [tensor('w', [8, 3, 3, 3], { zeros: true })],
 *     nodes: [node('Conv', ['x', 'w'], ['y'], { kernel_shape: [3, 3], alpha: attr.float(1) })],
 *   });
 */
import { onnx } from 'onnx-proto';
import { Dim, ELEMENT_BYTES, OnnxDataType, OpsetImport } from '../../src/onnx/types';
import { rawData } from '../../src/profiling/synth-tensor';

export interface TensorSpec {
  name?: string;
  /** Default FLOAT. */
  dataType?: OnnxDataType;
  dims: number[];
  /** Inline values, written as raw_data (default) or in the typed field of the data type. */
  values?: number[];
  strings?: string[];
  encoding?: 'raw' | 'typed';
  /** raw_data of zero bytes sized by dims and type; lazy in streamModel. */
  zeros?: boolean;
  /** data_location = EXTERNAL, pointing at `location`; no inline data. */
  external?: string;
}

export type AttrSpec =
  | { type: 'float'; value: number }
  | { type: 'int'; value: number }
  | { type: 'string'; value: string }
  | { type: 'floats'; value: number[] }
  | { type: 'ints'; value: number[] }
  | { type: 'strings'; value: string[] }
  | { type: 'tensor'; value: TensorSpec }
  | { type: 'graph'; value: GraphSpec };

/** Shorthand: integers → int(s), other numbers → float(s), strings → string(s); use `attr.*` to be explicit. */
export type AttrInput = AttrSpec | number | string | number[] | string[];

export const attr = {
  float: (value: number): AttrSpec => ({ type: 'float', value }),
  int: (value: number): AttrSpec => ({ type: 'int', value }),
  string: (value: string): AttrSpec => ({ type: 'string', value }),
  floats: (value: number[]): AttrSpec => ({ type: 'floats', value }),
  ints: (value: number[]): AttrSpec => ({ type: 'ints', value }),
  strings: (value: string[]): AttrSpec => ({ type: 'strings', value }),
  tensor: (value: TensorSpec): AttrSpec => ({ type: 'tensor', value }),
  graph: (value: GraphSpec): AttrSpec => ({ type: 'graph', value }),
};

export interface NodeSpec {
  opType: string;
  inputs?: string[];
  outputs?: string[];
  name?: string;
  domain?: string;
  attributes?: Record<string, AttrInput>;
}

export interface ValueSpec {
  name: string;
  /** Default FLOAT. */
  elemType?: OnnxDataType;
  /** A number is dim_value, a string dim_param, null an unknown dim; undefined writes no shape at all. */
  shape?: Dim[];
}

export interface GraphSpec {
  name?: string;
  nodes: NodeSpec[];
  inputs?: ValueSpec[];
  outputs?: ValueSpec[];
  initializers?: TensorSpec[];
  valueInfo?: ValueSpec[];
}

export interface ModelSpec extends GraphSpec {
  /** Default opset 13 of the default domain; a number means that version of ''. */
  opset?: number | OpsetImport[];
  irVersion?: number;
  producerName?: string;
}

export const node = (
  opType: string,
  inputs: string[],
  outputs: string[],
  attributes?: Record<string, AttrInput>,
  extra: { name?: string; domain?: string } = {},
): NodeSpec => ({ opType, inputs, outputs, attributes, ...extra });

export const value = (name: string, shape?: Dim[], elemType: OnnxDataType = OnnxDataType.FLOAT): ValueSpec => ({
  name,
  shape,
  elemType,
});

export const tensor = (name: string, dims: number[], rest: Omit<TensorSpec, 'name' | 'dims'> = {}): TensorSpec => ({
  name,
  dims,
  ...rest,
});

/** A piece of encoded output: bytes, or a run of zeros that is only produced when streamed. */
type Piece = Uint8Array | { zeros: number };

const pieceLength = (p: Piece): number => (p instanceof Uint8Array ? p.length : p.zeros);

export function varint(n: number | bigint): Uint8Array {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? low | 0x80 : low);
  } while (v > 0n);
  return Uint8Array.from(out);
}

export const tag = (field: number, wireType: number): Uint8Array => varint(field * 8 + wireType);

/** A length-delimited field wrapping the given pieces. */
function lenField(field: number, body: Piece[]): Piece[] {
  const length = body.reduce((sum, p) => sum + pieceLength(p), 0);
  return [concat([tag(field, 2), varint(length)]), ...body];
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const elementSize = (type: OnnxDataType): number => ELEMENT_BYTES[type] ?? 1;

/** The typed field ONNX uses for each data type. */
function typedFields(type: OnnxDataType, values: number[]): onnx.ITensorProto {
  switch (type) {
    case OnnxDataType.FLOAT:
      return { floatData: values };
    case OnnxDataType.DOUBLE:
      return { doubleData: values };
    case OnnxDataType.INT64:
      return { int64Data: values };
    case OnnxDataType.UINT32:
    case OnnxDataType.UINT64:
      return { uint64Data: values };
    default:
      return { int32Data: values };
  }
}

function tensorPieces(t: TensorSpec): Piece[] {
  const dataType = t.dataType ?? OnnxDataType.FLOAT;
  const proto: onnx.ITensorProto = { name: t.name ?? '', dataType, dims: t.dims };
  if (t.strings) proto.stringData = t.strings.map((s) => Buffer.from(s, 'utf8'));
  if (t.values && t.encoding === 'typed') Object.assign(proto, typedFields(dataType, t.values));
  else if (t.values) proto.rawData = rawData(dataType, t.values.length, (i) => t.values![i], { halfAsBits: true });
  if (t.external !== undefined) {
    proto.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    proto.externalData = [{ key: 'location', value: t.external }];
  }
  const pieces: Piece[] = [onnx.TensorProto.encode(proto).finish()];
  if (t.zeros) {
    const bytes = t.dims.reduce((a, b) => a * b, 1) * elementSize(dataType);
    pieces.push(...lenField(9, [{ zeros: bytes }]));
  }
  return pieces;
}

function toAttrSpec(input: AttrInput): AttrSpec {
  if (typeof input === 'number') return Number.isInteger(input) ? attr.int(input) : attr.float(input);
  if (typeof input === 'string') return attr.string(input);
  if (Array.isArray(input)) {
    if (input.every((v): v is string => typeof v === 'string')) return attr.strings(input);
    const nums = input as number[];
    return nums.every(Number.isInteger) ? attr.ints(nums) : attr.floats(nums);
  }
  return input;
}

const ATTR_TYPE = onnx.AttributeProto.AttributeType;

function attributePieces(name: string, input: AttrInput): Piece[] {
  const a = toAttrSpec(input);
  const utf8 = (s: string): Uint8Array => Buffer.from(s, 'utf8');
  const fields: Record<AttrSpec['type'], () => onnx.IAttributeProto> = {
    float: () => ({ type: ATTR_TYPE.FLOAT, f: a.value as number }),
    int: () => ({ type: ATTR_TYPE.INT, i: a.value as number }),
    string: () => ({ type: ATTR_TYPE.STRING, s: utf8(a.value as string) }),
    floats: () => ({ type: ATTR_TYPE.FLOATS, floats: a.value as number[] }),
    ints: () => ({ type: ATTR_TYPE.INTS, ints: a.value as number[] }),
    strings: () => ({ type: ATTR_TYPE.STRINGS, strings: (a.value as string[]).map(utf8) }),
    tensor: () => ({ type: ATTR_TYPE.TENSOR }),
    graph: () => ({ type: ATTR_TYPE.GRAPH }),
  };
  const pieces: Piece[] = [onnx.AttributeProto.encode({ name, ...fields[a.type]() }).finish()];
  if (a.type === 'tensor') pieces.push(...lenField(5, tensorPieces(a.value)));
  if (a.type === 'graph') pieces.push(...lenField(6, graphPieces(a.value)));
  return pieces;
}

function nodePieces(n: NodeSpec): Piece[] {
  const base = onnx.NodeProto.encode({
    input: n.inputs ?? [],
    output: n.outputs ?? [],
    name: n.name ?? '',
    opType: n.opType,
    domain: n.domain ?? '',
  }).finish();
  const attrs = Object.entries(n.attributes ?? {}).flatMap(([name, a]) => lenField(5, attributePieces(name, a)));
  return [base, ...attrs];
}

function valueInfo(v: ValueSpec): onnx.IValueInfoProto {
  const tensorType: onnx.TypeProto.ITensor = { elemType: v.elemType ?? OnnxDataType.FLOAT };
  if (v.shape) {
    tensorType.shape = {
      dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {})),
    };
  }
  return { name: v.name, type: { tensorType } };
}

function graphPieces(g: GraphSpec): Piece[] {
  return [
    ...g.nodes.flatMap((n) => lenField(1, nodePieces(n))),
    onnx.GraphProto.encode({
      name: g.name ?? 'test',
      input: (g.inputs ?? []).map(valueInfo),
      output: (g.outputs ?? []).map(valueInfo),
      valueInfo: (g.valueInfo ?? []).map(valueInfo),
    }).finish(),
    ...(g.initializers ?? []).flatMap((t) => lenField(5, tensorPieces(t))),
  ];
}

function modelPieces(m: ModelSpec): Piece[] {
  const opset = m.opset ?? 13;
  const header = onnx.ModelProto.encode({
    irVersion: m.irVersion ?? 8,
    producerName: m.producerName ?? 'tiersplit-test',
    opsetImport: typeof opset === 'number' ? [{ domain: '', version: opset }] : opset,
  }).finish();
  return [header, ...lenField(7, graphPieces(m))];
}

/** The whole model as bytes (lazy zeros materialised: keep them small here). */
export const buildModel = (spec: ModelSpec): Uint8Array =>
  concat(modelPieces(spec).map((p) => (p instanceof Uint8Array ? p : new Uint8Array(p.zeros))));

/** Encoded size of the model, computed without building it. */
export const modelByteLength = (spec: ModelSpec): number => modelPieces(spec).reduce((s, p) => s + pieceLength(p), 0);

/**
 * Streams the model; zero runs are yielded as fresh chunks, as a file or socket stream would, so a reader that
 * held on to them would show in memory, but the whole run never exists at once.
 */
export async function* streamModel(spec: ModelSpec, chunkSize = 1 << 16): AsyncGenerator<Uint8Array> {
  for (const p of modelPieces(spec)) {
    if (p instanceof Uint8Array) {
      yield* chunked(p, chunkSize);
      continue;
    }
    for (let left = p.zeros; left > 0; left -= chunkSize) yield new Uint8Array(Math.min(chunkSize, left));
  }
}

/** Feeds bytes in chunks of a fixed size, or of sizes drawn by `size()` (e.g. a seeded random). */
export async function* chunked(bytes: Uint8Array, size: number | (() => number)): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length;) {
    const n = Math.max(1, typeof size === 'number' ? size : size());
    yield bytes.subarray(at, at + n);
    at += n;
  }
}
