/**
 * Elementwise ops: unary activations keep their input's shape; binary/variadic arithmetic, comparisons and Where
 * broadcast (broadcast.ts). Arithmetic on small folded tensors is folded too, because exporters compute reshape
 * targets with it (`Shape → Gather → Mul → Concat → Reshape`). Folding tolerates symbolic entries where the
 * result is still exact (x·1, x+0, Equal of a symbol with itself); otherwise the entry becomes unknown.
 */
import { Dim, OnnxDataType, OnnxError, SMALL_TENSOR_MAX_ELEMENTS } from '../types';
import { foldableCount } from './bounds';
import { broadcastShapes, mapBroadcast } from './broadcast';
import {
  dimsOf,
  input,
  INTEGER_TYPES,
  intAttr,
  NodeContext,
  OutputInfo,
  sameAsInput,
  shapeError,
  ShapeRule,
  typeOf,
  valuesOf,
} from './context';

type Fold = (xs: number[], integer: boolean) => number | null;

/** Broadcast the dims of the given inputs; undefined when one of them has no shape. */
export function broadcastInputs(ctx: NodeContext, indices: number[]): Dim[] | undefined {
  const shapes = indices.map((i) => dimsOf(ctx, i));
  if (shapes.some((s) => s === undefined)) return undefined;
  try {
    return broadcastShapes(shapes as Dim[][]);
  } catch (e) {
    throw e instanceof OnnxError ? shapeError(ctx, e.message) : e;
  }
}

/** Fold an elementwise op over folded inputs when every operand's values and (known) dims are available. */
export function foldBroadcast(
  ctx: NodeContext,
  indices: number[],
  outDims: Dim[] | undefined,
  f: (xs: Dim[]) => Dim,
): Dim[] | undefined {
  if (!outDims || foldableCount(outDims, SMALL_TENSOR_MAX_ELEMENTS) === undefined) return undefined;
  const operands: { values: Dim[]; dims: number[] }[] = [];
  for (const i of indices) {
    const values = valuesOf(ctx, i);
    const dims = dimsOf(ctx, i);
    if (!values || !dims || !dims.every((d) => typeof d === 'number')) return undefined;
    operands.push({ values, dims: dims as number[] });
  }
  return mapBroadcast(operands, outDims as number[], f);
}

const numeric =
  (fold: Fold, integer: boolean) =>
  (xs: Dim[]): Dim =>
    xs.every((x) => typeof x === 'number') ? fold(xs as number[], integer) : null;

const FOLDS: Record<string, Fold> = {
  Add: ([a, b]) => a + b,
  Sub: ([a, b]) => a - b,
  Mul: ([a, b]) => a * b,
  Div: ([a, b], int) => (b === 0 ? null : int ? Math.trunc(a / b) : a / b),
  Mod: ([a, b]) => (b === 0 ? null : a - Math.floor(a / b) * b),
  Pow: ([a, b]) => a ** b,
  Max: (xs) => Math.max(...xs),
  Min: (xs) => Math.min(...xs),
  Sum: (xs) => xs.reduce((a, b) => a + b, 0),
  Mean: (xs) => xs.reduce((a, b) => a + b, 0) / xs.length,
  Equal: ([a, b]) => Number(a === b),
  Less: ([a, b]) => Number(a < b),
  Greater: ([a, b]) => Number(a > b),
  LessOrEqual: ([a, b]) => Number(a <= b),
  GreaterOrEqual: ([a, b]) => Number(a >= b),
  And: ([a, b]) => Number(a !== 0 && b !== 0),
  Or: ([a, b]) => Number(a !== 0 || b !== 0),
};

/** Exact results with symbolic operands (a symbol is an unknown positive integer). */
function symbolic(op: string, [a, b]: Dim[]): Dim | undefined {
  if (op === 'Mul') return b === 1 ? a : a === 1 ? b : undefined;
  if (op === 'Add') return b === 0 ? a : a === 0 ? b : undefined;
  if (op === 'Sub') return b === 0 ? a : undefined;
  if (op === 'Div') return b === 1 ? a : undefined;
  if (op === 'Equal' && typeof a === 'string' && a === b) return 1;
  return undefined;
}

const COMPARISONS = new Set(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Xor']);

/** Add/Sub/Mul/Div/Pow/Mod/Max/Min/Sum/Mean and comparisons: broadcast all inputs, fold when small. */
export const broadcastOp: ShapeRule = (ctx) => {
  const op = ctx.node.opType;
  const indices = ctx.node.inputs.map((_, i) => i).filter((i) => input(ctx, i));
  const dims = broadcastInputs(ctx, indices);
  const elemType = COMPARISONS.has(op) ? OnnxDataType.BOOL : typeOf(ctx, 0);
  const fold = FOLDS[op];
  let values: Dim[] | undefined;
  if (fold) {
    const integer = INTEGER_TYPES.has(typeOf(ctx, 0));
    const f = numeric(fold, integer);
    values = foldBroadcast(ctx, indices, dims, (xs) => {
      const exact = xs.length === 2 ? symbolic(op, xs) : undefined;
      return exact !== undefined ? exact : f(xs);
    });
  }
  return [{ elemType, dims, values }];
};

/** Where(cond, x, y): broadcast of the three; x's type. */
export const where: ShapeRule = (ctx) => {
  const dims = broadcastInputs(ctx, [0, 1, 2]);
  const values = foldBroadcast(ctx, [0, 1, 2], dims, ([c, x, y]) => (typeof c === 'number' ? (c !== 0 ? x : y) : null));
  return [{ elemType: typeOf(ctx, 1), dims, values }];
};

function castValue(x: Dim, to: OnnxDataType): Dim {
  if (typeof x !== 'number') return INTEGER_TYPES.has(to) ? x : null;
  if (to === OnnxDataType.BOOL) return Number(x !== 0);
  return INTEGER_TYPES.has(to) ? Math.trunc(x) : x;
}

export const cast: ShapeRule = (ctx) => {
  const to = intAttr(ctx, 'to', OnnxDataType.UNDEFINED) as OnnxDataType;
  return [{ elemType: to, dims: dimsOf(ctx, 0), values: valuesOf(ctx, 0)?.map((x) => castValue(x, to)) }];
};

const UNARY_FOLDS: Record<string, (x: number) => number> = {
  Identity: (x) => x,
  Neg: (x) => -x,
  Abs: (x) => Math.abs(x),
  Floor: (x) => Math.floor(x),
  Ceil: (x) => Math.ceil(x),
  Sqrt: (x) => Math.sqrt(x),
  Not: (x) => Number(x === 0),
  Relu: (x) => Math.max(0, x),
};

/** Unary elementwise: same shape and type as the input (Not keeps BOOL); folds the few ops shape code uses. */
export const unary: ShapeRule = (ctx) => {
  const [out] = sameAsInput(ctx) as [OutputInfo];
  const fold = UNARY_FOLDS[ctx.node.opType];
  const values = valuesOf(ctx, 0);
  if (fold && values) {
    // Identity keeps symbols; the others only fold numbers.
    out.values = values.map((x) => (ctx.node.opType === 'Identity' ? x : typeof x === 'number' ? fold(x) : null));
  }
  return [out];
};

/** IsNaN/IsInf: same shape, BOOL. */
export const unaryToBool: ShapeRule = (ctx) => [{ elemType: OnnxDataType.BOOL, dims: dimsOf(ctx, 0) }];

/** Clip: same as input; folds with min/max from attributes (opset < 11) or inputs 1/2. */
export const clip: ShapeRule = (ctx) => {
  const [out] = sameAsInput(ctx) as [OutputInfo];
  const values = valuesOf(ctx, 0);
  const bound = (attrName: string, i: number, fallback: number): Dim => {
    if (ctx.opset < 11) {
      const a = ctx.node.attributes[attrName];
      return a?.kind === 'float' ? a.value : fallback;
    }
    return input(ctx, i) ? (valuesOf(ctx, i)?.[0] ?? null) : fallback;
  };
  const lo = bound('min', 1, -Infinity);
  const hi = bound('max', 2, Infinity);
  if (values && typeof lo === 'number' && typeof hi === 'number') {
    out.values = values.map((x) => (typeof x === 'number' ? Math.min(hi, Math.max(lo, x)) : null));
  }
  return [out];
};

export const ELEMENTWISE_RULES: Record<string, ShapeRule> = {
  ...Object.fromEntries(
    ['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Mod', 'Max', 'Min', 'Sum', 'Mean', 'PRelu', 'BitShift', ...COMPARISONS].map(
      (op) => [op, broadcastOp],
    ),
  ),
  ...Object.fromEntries(
    [
      'Identity',
      'Neg',
      'Abs',
      'Floor',
      'Ceil',
      'Round',
      'Sqrt',
      'Not',
      'Relu',
      'Sigmoid',
      'Tanh',
      'Exp',
      'Log',
      'Erf',
      'Reciprocal',
      'Sign',
      'HardSigmoid',
      'HardSwish',
      'LeakyRelu',
      'Elu',
      'Selu',
      'Celu',
      'Softplus',
      'Softsign',
      'Gelu',
      'Mish',
      'ThresholdedRelu',
      'Sin',
      'Cos',
      'Tan',
      'Asin',
      'Acos',
      'Atan',
      'Sinh',
      'Cosh',
      'Asinh',
      'Acosh',
      'Atanh',
    ].map((op) => [op, unary]),
  ),
  IsNaN: unaryToBool,
  IsInf: unaryToBool,
  Where: where,
  Cast: cast,
  Clip: clip,
};
