/**
 * Test oracle: decodes a whole ONNX file with onnx-proto (materialising everything) into the RawModel the
 * streaming reader must produce. Only for small files in tests; the product never decodes a model whole.
 */
import { readFileSync } from 'node:fs';
import { onnx } from 'onnx-proto';
import {
  AttributeValue,
  Dim,
  OnnxDataType,
  RawModel,
  SMALL_TENSOR_MAX_ELEMENTS,
  TensorData,
  TensorStub,
  ValueInfo,
} from '../../src/onnx/types';

type LongLike = number | { toString(): string };
const num = (v: LongLike | null | undefined): number =>
  v == null ? 0 : typeof v === 'number' ? v : Number(v.toString());

const NUMERIC_TYPES = new Set<number>([
  OnnxDataType.FLOAT,
  OnnxDataType.UINT8,
  OnnxDataType.INT8,
  OnnxDataType.UINT16,
  OnnxDataType.INT16,
  OnnxDataType.INT32,
  OnnxDataType.INT64,
  OnnxDataType.BOOL,
  OnnxDataType.DOUBLE,
  OnnxDataType.UINT32,
  OnnxDataType.UINT64,
]);

function rawValues(t: onnx.ITensorProto): number[] {
  const raw = t.rawData!;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out: number[] = [];
  const type = t.dataType ?? 0;
  const size = ({ 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 11: 8, 12: 4, 13: 8 } as Record<number, number>)[
    type
  ];
  for (let o = 0; o + size <= raw.byteLength; o += size) {
    switch (type) {
      case 1:
        out.push(view.getFloat32(o, true));
        break;
      case 2:
      case 9:
        out.push(view.getUint8(o));
        break;
      case 3:
        out.push(view.getInt8(o));
        break;
      case 4:
        out.push(view.getUint16(o, true));
        break;
      case 5:
        out.push(view.getInt16(o, true));
        break;
      case 6:
        out.push(view.getInt32(o, true));
        break;
      case 7:
        out.push(Number(view.getBigInt64(o, true)));
        break;
      case 11:
        out.push(view.getFloat64(o, true));
        break;
      case 12:
        out.push(view.getUint32(o, true));
        break;
      case 13:
        out.push(Number(view.getBigUint64(o, true)));
        break;
    }
  }
  return out;
}

/** Bytes of a varint holding `v` as protobuf writes it: int32 negatives are sign-extended to 64 bits. */
function varintBytes(v: LongLike): number {
  let u = BigInt.asUintN(64, BigInt(v.toString()));
  let n = 1;
  while (u >= 0x80n) {
    u >>= 7n;
    n++;
  }
  return n;
}

/**
 * Payload bytes of the inline data fields as the file declares them (length prefixes and tags excluded), which is
 * the same whether a repeated field was written packed or not: raw_data, 4 per float, 8 per double, the varint
 * size of each integer, and the string_data bytes.
 */
function declaredDataBytes(t: onnx.ITensorProto): number {
  const varints = [...(t.int32Data ?? []), ...(t.int64Data ?? []), ...(t.uint64Data ?? [])] as LongLike[];
  return (
    (t.rawData?.byteLength ?? 0) +
    (t.floatData?.length ?? 0) * 4 +
    (t.doubleData?.length ?? 0) * 8 +
    varints.reduce((sum: number, v) => sum + varintBytes(v), 0) +
    (t.stringData ?? []).reduce((sum, s) => sum + s.byteLength, 0)
  );
}

/**
 * Where the oracle expects the reader to place a tensor's bytes. Offsets are not visible through a whole-message
 * decode, so they match any number here; reader-data.spec.ts checks them against the bytes themselves.
 */
function tensorData(t: onnx.ITensorProto): TensorData | undefined {
  const has = (field: keyof onnx.ITensorProto) => Object.prototype.hasOwnProperty.call(t, field);
  const anyOffset = expect.any(Number) as unknown as number;
  if (t.dataLocation === 1) {
    const entry = (key: string) => t.externalData?.find((e) => e.key === key)?.value;
    const length = entry('length');
    return {
      kind: 'external',
      location: entry('location') ?? '',
      offset: Number(entry('offset') ?? 0),
      length: length === undefined ? null : Number(length),
    };
  }
  if (has('rawData')) return { kind: 'file', offset: anyOffset, length: t.rawData!.byteLength };
  if (t.stringData?.length) return { kind: 'scattered', field: 'string_data' };
  if (t.floatData?.length) return { kind: 'file', offset: anyOffset, length: t.floatData.length * 4 };
  if (t.doubleData?.length) return { kind: 'file', offset: anyOffset, length: t.doubleData.length * 8 };
  if (t.int32Data?.length) return { kind: 'scattered', field: 'int32_data' };
  if (t.int64Data?.length) return { kind: 'scattered', field: 'int64_data' };
  if (t.uint64Data?.length) return { kind: 'scattered', field: 'uint64_data' };
  return undefined;
}

export function tensorStub(t: onnx.ITensorProto): TensorStub {
  const dims = (t.dims ?? []).map(num);
  const external = t.dataLocation === 1;
  const elements = dims.reduce((a, b) => a * b, 1);
  const typed = [t.floatData, t.int32Data, t.int64Data, t.doubleData, t.uint64Data].find((a) => a && a.length > 0);
  const inlineByteLength = external ? 0 : declaredDataBytes(t);
  const stub: TensorStub = { name: t.name ?? '', dataType: t.dataType ?? 0, dims, external, inlineByteLength };
  const data = tensorData(t);
  if (data) stub.data = data;
  if (!external && NUMERIC_TYPES.has(stub.dataType) && elements <= SMALL_TENSOR_MAX_ELEMENTS) {
    if (t.rawData && t.rawData.byteLength > 0) stub.values = rawValues(t);
    else if (typed) stub.values = (typed as LongLike[]).map(num);
  }
  return stub;
}

function attribute(a: onnx.IAttributeProto): AttributeValue {
  switch (a.type) {
    case 1:
      return { kind: 'float', value: a.f ?? 0 };
    case 2:
      return { kind: 'int', value: num(a.i) };
    case 3:
      return { kind: 'string', value: Buffer.from(a.s ?? []).toString('utf8') };
    case 4:
      return { kind: 'tensor', value: tensorStub(a.t ?? {}) };
    case 5:
      return { kind: 'graph' };
    case 6:
      return { kind: 'floats', value: a.floats ?? [] };
    case 7:
      return { kind: 'ints', value: (a.ints ?? []).map(num) };
    case 8:
      return { kind: 'strings', value: (a.strings ?? []).map((s) => Buffer.from(s).toString('utf8')) };
    default:
      return { kind: 'other', type: a.type ?? 0 };
  }
}

function valueInfo(v: onnx.IValueInfoProto): ValueInfo {
  const tt = v.type?.tensorType;
  const info: ValueInfo = { name: v.name ?? '', elemType: tt?.elemType ?? 0 };
  if (tt?.shape) {
    info.shape = (tt.shape.dim ?? []).map((d): Dim =>
      Object.prototype.hasOwnProperty.call(d, 'dimValue') ? num(d.dimValue) : d.dimParam ? d.dimParam : null,
    );
  }
  return info;
}

export function decodeWhole(bytes: Uint8Array): RawModel {
  const m = onnx.ModelProto.decode(bytes);
  const g = m.graph!;
  return {
    irVersion: num(m.irVersion),
    opsets: (m.opsetImport ?? []).map((o) => ({ domain: o.domain ?? '', version: num(o.version) })),
    producerName: m.producerName ?? '',
    graphName: g.name ?? '',
    nodes: (g.node ?? []).map((n) => ({
      name: n.name ?? '',
      opType: n.opType ?? '',
      domain: n.domain ?? '',
      inputs: n.input ?? [],
      outputs: n.output ?? [],
      attributes: Object.fromEntries((n.attribute ?? []).map((a) => [a.name ?? '', attribute(a)])),
    })),
    initializers: (g.initializer ?? []).map(tensorStub),
    inputs: (g.input ?? []).map(valueInfo),
    outputs: (g.output ?? []).map(valueInfo),
    valueInfo: (g.valueInfo ?? []).map(valueInfo),
    bytesRead: bytes.byteLength,
  };
}

export const decodeWholeFile = (path: string): RawModel => decodeWhole(readFileSync(path));
