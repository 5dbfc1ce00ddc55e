/**
 * Stage 4 of the ONNX pipeline: per-node features for the latency predictors and the planner, in topological order.
 *
 * MACs (multiply-accumulates, or MAC-equivalent operations for ops that do not multiply):
 * | op                                         | MACs                                              |
 * | ------------------------------------------ | ------------------------------------------------- |
 * | Conv                                       | N·Cout·∏out_spatial · (Cin/group)·∏kernel          |
 * | ConvTranspose                              | N·Cin·∏in_spatial · (Cout/group)·∏kernel           |
 * | Gemm                                       | M·K·N                                             |
 * | MatMul                                     | batch·M·K·N (= output elements · K)               |
 * | MaxPool, AveragePool, LpPool               | output elements · ∏kernel                         |
 * | GlobalAveragePool/MaxPool/LpPool, Reduce*  | input elements                                    |
 * | BatchNormalization                         | 2 · elements (scale and shift)                    |
 * | LayerNorm, InstanceNorm, GroupNorm, MVN    | 5 · elements (mean, variance, normalise, affine)  |
 * | Softmax, LogSoftmax, Hardmax               | 3 · elements (exp, sum, divide)                   |
 * | LRN                                        | elements · size                                   |
 * | elementwise and activations (Add, Relu...) | output elements                                   |
 * | data movement (Reshape, Concat, Slice...)  | 0: their cost is the bytes they move              |
 * | constant nodes (folded at deployment)      | 0                                                 |
 * | any other op (no rule)                     | output elements, `macsFallback: true`             |
 *
 * params: elements of the floating-point (or 8-bit) inputs that are constant (an initializer or the output of a
 *   constant node: ConstantOfShape weights of the light_* files, Identity of a shared weight), counted on the
 *   non-constant node that consumes them, so that a weight produced by a constant chain is counted once per use
 *   and not also on the chain. INT32/INT64/BOOL operands are shape and index operands, not parameters.
 * bytes: outputs[].bytes is the tensor's real size, elements × element size of its type (INT64 shapes 8, BOOL 1).
 *   NOTE the planner's cost model (DESIGN.md) prices transfers at elements × 4 (float32, or the request's
 *   transferDtype), whatever the dtype: it should use `elementCount(shape)`, not `bytes`.
 * inBytes: real bytes of the distinct non-constant inputs; outBytes: of the outputs. Both 0 on constant nodes,
 *   which a deployed runtime folds: no bytes move (DESIGN.md).
 */
import {
  AttributeValue,
  Dim,
  ELEMENT_BYTES,
  NodeFeatures,
  OnnxDataType,
  OnnxError,
  OnnxErrorCode,
  OnnxGraph,
  ShapeInferenceResult,
  TensorShape,
} from './types';
import { MAX_NODE_FEATURE } from './limits';
import { SHAPE_RULES } from './shapes';

const NON_PARAM_TYPES = new Set<OnnxDataType>([
  OnnxDataType.INT32,
  OnnxDataType.INT64,
  OnnxDataType.BOOL,
  OnnxDataType.STRING,
]);

/** Elements of a fully known shape, else null. */
export function elementCount(dims: Dim[] | null | undefined): number | null {
  if (!dims) return null;
  let n = 1;
  for (const d of dims) {
    if (typeof d !== 'number') return null;
    n *= d;
  }
  return n;
}

/** Real size in bytes of a tensor, or null when its shape or element size is unknown. */
export function tensorBytes(shape: TensorShape | undefined): number | null {
  const n = elementCount(shape?.dims);
  const size = shape ? ELEMENT_BYTES[shape.elemType] : undefined;
  return n === null || size === undefined ? null : n * size;
}

const DATA_MOVEMENT = new Set([
  'Reshape',
  'Flatten',
  'Squeeze',
  'Unsqueeze',
  'Transpose',
  'Concat',
  'Slice',
  'Gather',
  'Split',
  'Pad',
  'Expand',
  'Tile',
  'Identity',
  'Shape',
  'Size',
  'Constant',
  'ConstantOfShape',
  'Range',
  'Cast',
  'Dropout',
  'DepthToSpace',
  'SpaceToDepth',
  'NonZero',
]);
const NORMS = new Set([
  'LayerNormalization',
  'InstanceNormalization',
  'GroupNormalization',
  'MeanVarianceNormalization',
]);
const SOFTMAX = new Set(['Softmax', 'LogSoftmax', 'Hardmax']);
const POOLS = new Set(['MaxPool', 'AveragePool', 'LpPool']);
const GLOBAL_OR_REDUCE = /^(Global\w+Pool|Reduce\w+|ArgMax|ArgMin)$/;

interface MacInput {
  opType: string;
  /** '' or 'ai.onnx' for standard ops; other domains (com.microsoft, ...) always use the fallback. */
  domain?: string;
  attributes: Record<string, AttributeValue>;
  inputs: (Dim[] | null)[];
  outputs: (Dim[] | null)[];
}

const ints = (a: AttributeValue | undefined): number[] | undefined => (a?.kind === 'ints' ? a.value : undefined);
const int = (a: AttributeValue | undefined, fallback: number): number => (a?.kind === 'int' ? a.value : fallback);
const prod = (xs: number[]): number => xs.reduce((a, b) => a * b, 1);
const known = (d: Dim | undefined): number => (typeof d === 'number' ? d : 0);

/** MACs by the table above; `fallback` when the op has no rule. Unknown shapes count as 0. */
export function macsOf(m: MacInput): { macs: number; fallback: boolean } {
  const out = elementCount(m.outputs[0]) ?? 0;
  const inp = elementCount(m.inputs[0]) ?? 0;
  const x = m.inputs[0];
  const w = m.inputs[1];
  const kernel = (): number => {
    const k =
      ints(m.attributes.kernel_shape) ?? (w ? (w.slice(2).filter((d) => typeof d === 'number') as number[]) : []);
    return prod(k);
  };
  const group = int(m.attributes.group, 1);
  if (m.domain && m.domain !== 'ai.onnx') return { macs: out, fallback: true };
  switch (true) {
    case m.opType === 'Conv': {
      const cin = typeof x?.[1] === 'number' ? x[1] : 0;
      return { macs: (out * cin * kernel()) / group, fallback: false };
    }
    case m.opType === 'ConvTranspose': {
      const cout = typeof m.outputs[0]?.[1] === 'number' ? m.outputs[0][1] : 0;
      return { macs: (inp * cout * kernel()) / group, fallback: false };
    }
    case m.opType === 'Gemm': {
      // K is A's column count, or its row count when A is transposed.
      const k = known(x?.[int(m.attributes.transA, 0) ? 0 : 1]);
      return { macs: out * k, fallback: false };
    }
    case m.opType === 'MatMul':
      return { macs: out * known(x?.[x.length - 1]), fallback: false };
    case POOLS.has(m.opType):
      return { macs: out * prod(ints(m.attributes.kernel_shape) ?? []), fallback: false };
    case GLOBAL_OR_REDUCE.test(m.opType):
      return { macs: inp, fallback: false };
    case m.opType === 'BatchNormalization':
      return { macs: 2 * out, fallback: false };
    case NORMS.has(m.opType):
      return { macs: 5 * out, fallback: false };
    case SOFTMAX.has(m.opType):
      return { macs: 3 * out, fallback: false };
    case m.opType === 'LRN':
      return { macs: out * int(m.attributes.size, 1), fallback: false };
    case DATA_MOVEMENT.has(m.opType):
      return { macs: 0, fallback: false };
    case Object.hasOwn(SHAPE_RULES, m.opType):
      return { macs: out, fallback: false }; // elementwise and activations
    default:
      return { macs: out, fallback: true };
  }
}

export function computeFeatures(graph: OnnxGraph, shapes: ShapeInferenceResult): NodeFeatures[] {
  // Tensors known before run time: initializers, and every output of a constant node (filled in order).
  const constant = new Set<string>(graph.initializers.keys());
  const dimsOf = (t: string): Dim[] | null => (t === '' ? null : (shapes.shapes.get(t)?.dims ?? null));

  return graph.nodes.map((node) => {
    const given = node.inputs.filter((i) => i !== '');
    const isConstant = node.opType === 'Constant' || (given.length > 0 && given.every((i) => constant.has(i)));
    if (isConstant) node.outputs.forEach((o) => o !== '' && constant.add(o));

    const outputs = node.outputs.map((name) => ({
      name,
      elemType: (name === '' ? undefined : shapes.shapes.get(name)?.elemType) ?? OnnxDataType.UNDEFINED,
      shape: dimsOf(name),
      bytes: name === '' ? null : tensorBytes(shapes.shapes.get(name)),
    }));
    const inputShapes = node.inputs.map(dimsOf);
    const { macs, fallback } = isConstant
      ? { macs: 0, fallback: false }
      : macsOf({
          opType: node.opType,
          domain: node.domain,
          attributes: node.attributes,
          inputs: inputShapes,
          outputs: outputs.map((o) => o.shape),
        });

    let params = 0;
    let inBytes = 0;
    if (!isConstant) {
      for (const name of new Set(given)) {
        const shape = shapes.shapes.get(name);
        if (constant.has(name)) {
          if (shape && !NON_PARAM_TYPES.has(shape.elemType)) params += elementCount(shape.dims) ?? 0;
        } else {
          inBytes += tensorBytes(shape) ?? 0;
        }
      }
    }
    const outBytes = isConstant ? 0 : outputs.reduce((s, o) => s + (o.bytes ?? 0), 0);

    return {
      index: node.index,
      name: node.uniqueName,
      opType: node.opType,
      attributes: node.attributes,
      inputs: node.inputs,
      inputShapes,
      outputs,
      macs,
      params,
      inBytes,
      outBytes,
      isConstant,
      macsFallback: fallback,
    };
  });
}

const FEATURE_FIELDS = ['macs', 'params', 'inBytes', 'outBytes'] as const;

/**
 * Every number a plan and a predictor will consume is a finite count in [0, MAX_NODE_FEATURE]. Shape checks make
 * this hold for every graph they accept; this is the last line, so that no graph whose features would turn into
 * NaN latencies (or 1e27 MACs) is ever stored.
 */
export function checkFeatureRanges(features: NodeFeatures[]): void {
  for (const f of features) {
    for (const field of FEATURE_FIELDS) {
      const v = f[field];
      if (!(v >= 0 && v <= MAX_NODE_FEATURE)) {
        throw new OnnxError(
          OnnxErrorCode.SHAPE_MISMATCH,
          `node '${f.name}' (${f.opType}): ${field} ${v.toPrecision(3)} is out of range (0 to ${MAX_NODE_FEATURE.toPrecision(1)}): its shapes contradict each other`,
          { node: f.name },
        );
      }
    }
  }
}
