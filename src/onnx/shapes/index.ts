/**
 * Stage 3 of the ONNX pipeline: our own shape inference with constant folding (no onnxruntime, no external lib).
 * Nodes are visited in topological order; each op type has a rule (one file per family) that maps input shapes
 * and folded input values to output shapes, element types and, for small tensors, output values. Folding is what
 * resolves exporter-generated shape arithmetic (Shape → Gather → Unsqueeze → Concat → Reshape), whose results a
 * file's value_info often lacks.
 *
 * value_info is a fallback only (`useValueInfo`, default true): used for a tensor whose shape we cannot infer
 * (unknown op, data-dependent shape) and to fill dims we left unknown; where both exist, ours is kept.
 */
import { defaultOpset } from '../graph';
import {
  Dim,
  OnnxDataType,
  OnnxError,
  OnnxErrorCode,
  OnnxGraph,
  SMALL_TENSOR_MAX_ELEMENTS,
  ShapeInferenceResult,
  TensorShape,
  ValueInfo,
} from '../types';
import { OnnxLimits, withDefaults } from '../limits';
import { checkDims } from './bounds';
import { CONV_POOL_RULES } from './conv-pool';
import { InputInfo, NodeContext, OutputInfo, product, shapeError, ShapeRule } from './context';
import { ELEMENTWISE_RULES } from './elementwise';
import { INDEX_OP_RULES } from './index-ops';
import { LINALG_RULES } from './linalg';
import { REDUCE_NORM_RULES } from './reduce-norm';
import { RESHAPE_OP_RULES } from './reshape-ops';
import { SHAPE_OP_RULES } from './shape-ops';

export { broadcastShapes } from './broadcast';

export interface InferShapesOptions {
  /** Fall back to value_info / graph output shapes where inference cannot tell (default true). */
  useValueInfo?: boolean;
  /** Concrete shapes for graph inputs, replacing the file's (symbolic or unknown dims); validated by the caller. */
  inputShapes?: Record<string, number[]>;
  /** Caps on ranks and element counts (defaults: DEFAULT_ONNX_LIMITS). */
  limits?: Partial<OnnxLimits>;
}

/** Every op type with an inference rule (default domain). */
export const SHAPE_RULES: Readonly<Record<string, ShapeRule>> = {
  ...ELEMENTWISE_RULES,
  ...SHAPE_OP_RULES,
  ...RESHAPE_OP_RULES,
  ...INDEX_OP_RULES,
  ...CONV_POOL_RULES,
  ...LINALG_RULES,
  ...REDUCE_NORM_RULES,
};

const DEFAULT_DOMAINS = new Set(['', 'ai.onnx']);

/** A graph input's dims are what a caller sends: each one a positive count (a dim_param names a dynamic one). */
function checkGraphInput(name: string, dims: Dim[], limits: OnnxLimits): void {
  checkDims(`graph input '${name}'`, dims, limits);
  const zero = dims.indexOf(0);
  if (zero >= 0) {
    throw new OnnxError(
      OnnxErrorCode.SHAPE_MISMATCH,
      `graph input '${name}' has shape [${dims.join(',')}]: dim ${zero} is 0 (name a dynamic dim with dim_param)`,
    );
  }
}

/** Fill the dims we left unknown from a recorded shape of the same rank; ours win where both are known. */
function fillFrom(ours: Dim[], recorded: Dim[] | undefined): Dim[] {
  if (!recorded || recorded.length !== ours.length) return ours;
  return ours.map((d, i) => (d === null ? recorded[i] : d));
}

export function inferShapes(graph: OnnxGraph, options: InferShapesOptions = {}): ShapeInferenceResult {
  const useValueInfo = options.useValueInfo ?? true;
  const limits = withDefaults(options.limits);
  const opset = defaultOpset(graph.model);
  const shapes = new Map<string, TensorShape>();
  const values = new Map<string, Dim[]>();
  const unsupported = new Set<string>();

  const recorded = new Map<string, ValueInfo>();
  if (useValueInfo)
    for (const v of [...graph.model.valueInfo, ...graph.model.outputs]) {
      // Some exporters record an unknown dim as -1: a fallback treats it as unknown rather than as a shape.
      if (v.shape)
        recorded.set(v.name, { ...v, shape: v.shape.map((d) => (typeof d === 'number' && d < 0 ? null : d)) });
    }

  for (const input of graph.inputs) {
    const dims = options.inputShapes?.[input.name] ?? input.shape;
    if (!dims) continue;
    checkGraphInput(input.name, dims, limits);
    shapes.set(input.name, { elemType: input.elemType, dims: [...dims] });
  }
  for (const [name, t] of graph.initializers) {
    shapes.set(name, { elemType: t.dataType, dims: [...t.dims] });
    if (t.values) values.set(name, [...t.values]);
  }

  for (const node of graph.nodes) {
    const rule =
      DEFAULT_DOMAINS.has(node.domain) && Object.hasOwn(SHAPE_RULES, node.opType)
        ? SHAPE_RULES[node.opType]
        : undefined;
    let results: OutputInfo[] = [];
    if (!rule) {
      unsupported.add(
        node.domain && !DEFAULT_DOMAINS.has(node.domain) ? `${node.domain}::${node.opType}` : node.opType,
      );
    } else {
      const inputs: InputInfo[] = node.inputs.map((name) => ({
        name,
        shape: shapes.get(name),
        values: values.get(name),
      }));
      const ctx: NodeContext = { node, opset, inputs, limits };
      try {
        results = rule(ctx);
      } catch (e) {
        if (e instanceof OnnxError && !e.message.startsWith('node ')) {
          throw new OnnxError(e.code, `node '${node.uniqueName}' (${node.opType}): ${e.message}`, {
            node: node.uniqueName,
          });
        }
        // A rule runs on the file's numbers: whatever they make it trip over is the file's fault, not a 500.
        if (e instanceof Error && !(e instanceof OnnxError))
          throw shapeError(ctx, `shape inference failed: ${e.message}`);
        throw e;
      }
    }
    node.outputs.forEach((name, i) => {
      if (name === '') return;
      const out = results[i];
      const vi = recorded.get(name);
      let dims = out?.dims;
      let elemType = out?.elemType ?? OnnxDataType.UNDEFINED;
      if (vi) {
        dims = dims ? fillFrom(dims, vi.shape) : vi.shape && [...vi.shape];
        if (elemType === OnnxDataType.UNDEFINED) elemType = vi.elemType;
      }
      if (!dims) return;
      checkDims(`output '${name}' of node '${node.uniqueName}' (${node.opType})`, dims, limits);
      shapes.set(name, { elemType, dims });
      const count = product(dims);
      if (out?.values && count !== null && count <= SMALL_TENSOR_MAX_ELEMENTS && out.values.length === count) {
        values.set(name, out.values);
      }
    });
  }

  const constants = new Map<string, number[]>();
  for (const [name, v] of values) if (v.every((x) => typeof x === 'number')) constants.set(name, v as number[]);
  return { shapes, constants, unsupportedOps: [...unsupported].sort() };
}
