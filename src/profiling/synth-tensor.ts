/**
 * Builds TensorProtos for a rebuilt model: from stored values when the reader decoded them (shape operands must be
 * exact), else synthesised stand-ins of the right type and dims. For latency the values do not matter, but they
 * must not make kernels take a different path (NaN storms, denormals, empty slices), hence the choices below.
 */
import { endianness } from 'node:os';
import { onnx } from 'onnx-proto';
import { ELEMENT_BYTES, OnnxDataType } from '../onnx/types';

/** What a stored initializer or tensor attribute gives us: no bytes, maybe small decoded values. */
export interface TensorSpec {
  name: string;
  dataType: number;
  dims: number[];
  /** Exact values (decoded by the reader); absent or null: synthesise. */
  values?: number[] | null;
}

const FLOAT_TYPES = new Set<number>([
  OnnxDataType.FLOAT,
  OnnxDataType.DOUBLE,
  OnnxDataType.FLOAT16,
  OnnxDataType.BFLOAT16,
]);
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const UINT64_MAX = (1n << 64n) - 1n;

/** raw_data is little-endian; a Float32Array can be handed over as is only on a little-endian host. */
const LITTLE_ENDIAN = endianness() === 'LE';

const elementCount = (dims: number[]): number => dims.reduce((n, d) => n * d, 1);

function clampBig(v: number, lo: bigint, hi: bigint): bigint {
  // Stored int64 values went through doubles: INT64_MAX came back as 2^63, which must not wrap to INT64_MIN.
  const b = BigInt(Math.trunc(v));
  return b < lo ? lo : b > hi ? hi : b;
}

// One shared scratch word for float → bits, instead of two typed arrays per element.
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
const floatBits = (v: number): number => {
  F32[0] = v;
  return U32[0];
};

/** IEEE half from a float (round to nearest; the stand-in values are small and never overflow). */
function toHalf(v: number): number {
  const bits = floatBits(v);
  const sign = (bits >>> 16) & 0x8000;
  const exp = ((bits >>> 23) & 0xff) - 127 + 15;
  const mant = bits & 0x7fffff;
  if (exp <= 0) return sign; // flush tiny values to zero: no half denormals
  if (exp >= 31) return sign | 0x7c00;
  return sign | (exp << 10) | ((mant + 0x1000) >>> 13);
}

function toBfloat16(v: number): number {
  return (floatBits(v) + 0x8000) >>> 16;
}

/**
 * Little-endian raw_data of `n` elements of `type`; a generator, so VGG-sized weights need no double copy.
 * 16-bit floats are converted from numbers, or with `halfAsBits` taken as their bit patterns (test models that
 * need exact halves).
 */
export function rawData(
  type: number,
  n: number,
  valueAt: (i: number) => number,
  options: { halfAsBits?: boolean } = {},
): Uint8Array {
  const size = ELEMENT_BYTES[type as OnnxDataType];
  if (size === undefined) throw new Error(`cannot build tensor data of ONNX type ${type}`);
  const out = new Uint8Array(n * size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < n; i++) {
    const v = valueAt(i);
    const o = i * size;
    switch (type) {
      case OnnxDataType.FLOAT:
        view.setFloat32(o, v, true);
        break;
      case OnnxDataType.DOUBLE:
        view.setFloat64(o, v, true);
        break;
      case OnnxDataType.FLOAT16:
        view.setUint16(o, options.halfAsBits ? v : toHalf(v), true);
        break;
      case OnnxDataType.BFLOAT16:
        view.setUint16(o, options.halfAsBits ? v : toBfloat16(v), true);
        break;
      case OnnxDataType.INT8:
        view.setInt8(o, v);
        break;
      case OnnxDataType.UINT8:
      case OnnxDataType.BOOL:
        view.setUint8(o, v);
        break;
      case OnnxDataType.INT16:
        view.setInt16(o, v, true);
        break;
      case OnnxDataType.UINT16:
        view.setUint16(o, v, true);
        break;
      case OnnxDataType.INT32:
        view.setInt32(o, v, true);
        break;
      case OnnxDataType.UINT32:
        view.setUint32(o, v, true);
        break;
      case OnnxDataType.INT64:
        view.setBigInt64(o, clampBig(v, INT64_MIN, INT64_MAX), true);
        break;
      case OnnxDataType.UINT64:
        view.setBigUint64(o, clampBig(v, 0n, UINT64_MAX), true);
        break;
      default:
        // Complex numbers: zeros (the buffer starts zeroed); never fed with stored values.
        break;
    }
  }
  return out;
}

/**
 * Stand-in values for a float tensor. Weights (rank >= 2) are uniform in ±1/sqrt(fan-in), as a Kaiming-style
 * initialisation, so activations stay bounded through deep nets instead of overflowing to Inf/NaN. Vectors and
 * scalars (biases, BatchNormalization scale/mean/variance, epsilons) get values in [0.5, 1.5]: a variance must be
 * positive, and a divisor must not be near zero.
 */
function synthFloat(dims: number[], rand: () => number): () => number {
  if (dims.length < 2) return () => 0.5 + rand();
  const bound = 1 / Math.sqrt(Math.max(1, elementCount(dims.slice(1))));
  return () => (rand() * 2 - 1) * bound;
}

/**
 * A TensorProto for the spec. Integer and bool tensors without stored values are zeros: zeros are valid indices
 * for Gather/ScatterND/OneHot and harmless addends. The reader decodes every small inline integer tensor, so an
 * integer tensor reaching here is large (embedding-like index tables) or external; if one were a shape operand
 * (a Reshape target, Slice bounds), zeros would change the computation and ORT would reject the model at run.
 */
export function tensorProto(spec: TensorSpec, rand: (() => number) | 'zeros'): onnx.ITensorProto {
  const base: onnx.ITensorProto = { name: spec.name, dataType: spec.dataType, dims: spec.dims };
  const n = elementCount(spec.dims);
  if (spec.dataType === OnnxDataType.STRING) {
    return { ...base, stringData: Array.from({ length: n }, () => new Uint8Array(0)) };
  }
  if (spec.values != null) {
    if (spec.values.length !== n) {
      throw new Error(`tensor '${spec.name}' has ${spec.values.length} stored values for dims [${spec.dims}]`);
    }
    const values = spec.values;
    return { ...base, rawData: rawData(spec.dataType, n, (i) => values[i]) };
  }
  if (rand === 'zeros' || !FLOAT_TYPES.has(spec.dataType)) {
    const size = ELEMENT_BYTES[spec.dataType as OnnxDataType];
    if (size === undefined) throw new Error(`cannot build tensor data of ONNX type ${spec.dataType}`);
    return { ...base, rawData: new Uint8Array(n * size) };
  }
  const valueAt = synthFloat(spec.dims, rand);
  if (spec.dataType === OnnxDataType.FLOAT && LITTLE_ENDIAN) {
    // Fast path for the common case: VGG-sized float32 weights through a DataView take tens of seconds.
    const floats = new Float32Array(n);
    for (let i = 0; i < n; i++) floats[i] = valueAt();
    return { ...base, rawData: new Uint8Array(floats.buffer) };
  }
  return { ...base, rawData: rawData(spec.dataType, n, valueAt) };
}
