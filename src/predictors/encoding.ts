/**
 * Feature encoding for the latency predictors: one fixed-length, log-scaled vector per node plus its operator
 * class. Latency spans five decades and grows multiplicatively with sizes, so every size enters as log1p: a
 * small network then fits power laws (µs ≈ c·MACs^a) with near-linear pieces.
 */
import { AttributeValue, Dim, NodeFeatures } from '../onnx/types';

export const OP_CLASSES = ['conv', 'gemm', 'pool', 'elementwise', 'norm', 'other'] as const;
export type OpClass = (typeof OP_CLASSES)[number];

const CLASS_OF: Record<string, OpClass> = {
  Conv: 'conv',
  ConvTranspose: 'conv',
  Gemm: 'gemm',
  MatMul: 'gemm',
  MaxPool: 'pool',
  AveragePool: 'pool',
  GlobalAveragePool: 'pool',
  GlobalMaxPool: 'pool',
  LpPool: 'pool',
  BatchNormalization: 'norm',
  LayerNormalization: 'norm',
  InstanceNormalization: 'norm',
  GroupNormalization: 'norm',
  LRN: 'norm',
  Softmax: 'norm',
  LogSoftmax: 'norm',
};
const ELEMENTWISE = new Set(
  'Add Sub Mul Div Pow Sqrt Exp Log Erf Neg Abs Relu LeakyRelu PRelu Elu Selu Sigmoid HardSigmoid HardSwish Tanh Clip Gelu Mish Softplus Where Max Min Equal Less Greater Cast'.split(
    ' ',
  ),
);

export function opClassOf(opType: string): OpClass {
  return CLASS_OF[opType] ?? (ELEMENTWISE.has(opType) ? 'elementwise' : 'other');
}

/** Names of the vector's entries, in order (stored with every predictor so a reader can check compatibility). */
export const FEATURE_NAMES = [
  'log_macs',
  'log_params',
  'log_in_bytes',
  'log_out_bytes',
  'log_in_h',
  'log_in_w',
  'log_cin',
  'log_cout',
  'log_kernel',
  'log_stride',
  'log_groups',
  'depthwise',
  'log_inputs',
  'log_intensity',
  'log_out_hw',
  'log_cin_per_group',
  'log_bytes',
] as const;
export const FEATURE_COUNT = FEATURE_NAMES.length;

const num = (d: Dim | undefined): number => (typeof d === 'number' && d > 0 ? d : 0);
const ints = (a: AttributeValue | undefined): number[] => (a?.kind === 'ints' ? a.value : []);
const int = (a: AttributeValue | undefined, fallback: number): number => (a?.kind === 'int' ? a.value : fallback);
const prod = (xs: number[]): number => xs.reduce((p, x) => p * x, 1);

/** Geometry read from the first input / output, NCHW or [.., K] (Gemm/MatMul: H=rows M, W=1, Cin=K, Cout=N). */
export interface Geometry {
  h: number;
  w: number;
  cin: number;
  cout: number;
  kernel: number;
  stride: number;
  groups: number;
}

export function geometryOf(f: NodeFeatures): Geometry {
  const x = f.inputShapes[0] ?? [];
  const y = f.outputs[0]?.shape ?? [];
  const cls = opClassOf(f.opType);
  if (cls === 'gemm') {
    const k = num(x[x.length - 1]);
    const rows = x.slice(0, -1).reduce<number>((p, d) => p * Math.max(num(d), 1), 1);
    return { h: rows, w: 1, cin: k, cout: num(y[y.length - 1]), kernel: 1, stride: 1, groups: 1 };
  }
  const kernelShape = ints(f.attributes.kernel_shape);
  const weight = f.inputShapes[1] ?? [];
  const kernel = kernelShape.length
    ? prod(kernelShape)
    : cls === 'conv'
      ? prod(weight.slice(2).map(num))
      : f.opType.startsWith('Global')
        ? num(x[2]) * num(x[3])
        : 1;
  const strides = ints(f.attributes.strides);
  return {
    h: num(x[2]),
    w: num(x[3]),
    cin: num(x[1]),
    cout: num(y[1]),
    kernel,
    stride: strides.length ? Math.max(...strides) : 1,
    groups: int(f.attributes.group, 1),
  };
}

/** Output spatial size H·W (NCHW outputs), or the row count of a [.., N] output. */
function outHw(f: NodeFeatures): number {
  const y = f.outputs[0]?.shape ?? [];
  if (y.length >= 4) return y.slice(2).reduce<number>((p, d) => p * Math.max(num(d), 1), 1);
  return y.slice(0, -1).reduce<number>((p, d) => p * Math.max(num(d), 1), 1);
}

export interface EncodedNode {
  cls: OpClass;
  x: Float64Array;
}

export function encodeNode(f: NodeFeatures): EncodedNode {
  const g = geometryOf(f);
  const l = Math.log1p;
  const bytes = f.inBytes + f.outBytes;
  const x = Float64Array.from([
    l(f.macs),
    l(f.params),
    l(f.inBytes),
    l(f.outBytes),
    l(g.h),
    l(g.w),
    l(g.cin),
    l(g.cout),
    l(g.kernel),
    l(g.stride),
    l(g.groups),
    g.groups > 1 && g.groups === g.cin ? 1 : 0,
    l(f.inputs.filter((i) => i !== '').length),
    // Arithmetic intensity (MACs per byte moved, weights included): separates compute- from memory-bound nodes.
    l(f.macs / Math.max(bytes + 4 * f.params, 1)),
    l(outHw(f)),
    l(g.cin / Math.max(g.groups, 1)),
    l(bytes + 4 * f.params),
  ]);
  return { cls: opClassOf(f.opType), x };
}

/** Appends the class one-hot: the input of the shared (single-network) variant. */
export function withClassOneHot(e: EncodedNode): Float64Array {
  const out = new Float64Array(FEATURE_COUNT + OP_CLASSES.length);
  out.set(e.x);
  out[FEATURE_COUNT + OP_CLASSES.indexOf(e.cls)] = 1;
  return out;
}

/** nn-Meter's kernel features, for the random-forest baseline: H, Cin, Cout, kernel, stride, MACs, params. */
export function nnMeterFeatures(f: NodeFeatures): number[] {
  const g = geometryOf(f);
  return [g.h, g.cin, g.cout, g.kernel, g.stride, f.macs, f.params].map((v) => Math.log1p(v));
}
