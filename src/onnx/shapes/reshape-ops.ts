/**
 * Ops that rearrange a tensor without choosing elements: Reshape, Flatten, Squeeze, Unsqueeze, Transpose,
 * Expand, Tile, DepthToSpace/SpaceToDepth. Row-major order is unchanged by all but Transpose/Expand/Tile, so folded
 * values pass straight through; Transpose/Expand/Tile re-index them (remapValues).
 */
import { Dim, SMALL_TENSOR_MAX_ELEMENTS } from '../types';
import { broadcastShapes, strides } from './broadcast';
import { checkShapeOperand, foldableCount, unknownDims } from './bounds';
import { foldBroadcast } from './elementwise';
import {
  attrOrInput,
  dimsOf,
  intAttr,
  intsAttr,
  isKnown,
  NodeContext,
  numericValues,
  OutputInfo,
  product,
  shapeError,
  ShapeRule,
  symbolicProduct,
  typeOf,
  valuesOf,
} from './context';

/** Out[i] = values[index(multi-index of i)], for fully known output dims under the folding cap. */
export function remapValues(
  outDims: Dim[],
  values: Dim[] | undefined,
  index: (idx: number[]) => number,
): Dim[] | undefined {
  if (!values || !outDims.every(isKnown)) return undefined;
  const dims = outDims as number[];
  const total = foldableCount(dims, SMALL_TENSOR_MAX_ELEMENTS);
  if (total === undefined) return undefined;
  const st = strides(dims);
  return Array.from({ length: total }, (_, flat) => values[index(dims.map((d, i) => Math.floor(flat / st[i]) % d))]);
}

const passThrough = (ctx: NodeContext, dims: Dim[] | undefined): OutputInfo[] => [
  { elemType: typeOf(ctx, 0), dims, values: valuesOf(ctx, 0) },
];

/** Known numbers and symbols of a shape, for cancelling when inferring Reshape's -1. */
function factors(dims: Dim[]): { num: number; syms: string[]; unknown: boolean } {
  let num = 1;
  const syms: string[] = [];
  let unknown = false;
  for (const d of dims) {
    if (typeof d === 'number') num *= d;
    else if (typeof d === 'string') syms.push(d);
    else unknown = true;
  }
  return { num, syms, unknown };
}

/** Reshape target: 0 copies the input dim (unless allowzero), -1 takes what is left, symbols stay symbols. */
export const reshape: ShapeRule = (ctx) => {
  const data = dimsOf(ctx, 0);
  const target = ctx.opset < 5 ? intsAttr(ctx, 'shape') : valuesOf(ctx, 1);
  if (!target) {
    return passThrough(ctx, unknownDims(ctx, dimsOf(ctx, 1)?.[0]));
  }
  const allowZero = intAttr(ctx, 'allowzero', 0) === 1;
  const out: Dim[] = target.map((t, i) => (t === 0 && !allowZero ? (data ? (data[i] ?? null) : null) : t));
  const inferAt = out.indexOf(-1);
  if (inferAt >= 0) {
    out[inferAt] = null;
    if (data) {
      const whole = factors(data);
      const rest = factors(out.filter((_, i) => i !== inferAt));
      const syms = [...whole.syms];
      const cancelled = rest.syms.every((s) => syms.includes(s) && syms.splice(syms.indexOf(s), 1).length > 0);
      if (!whole.unknown && !rest.unknown && cancelled && rest.num !== 0 && whole.num % rest.num === 0) {
        const n = whole.num / rest.num;
        if (syms.length === 0) out[inferAt] = n;
        else if (syms.length === 1 && n === 1) out[inferAt] = syms[0];
      }
    }
  }
  if (data && out.every(isKnown) && data.every(isKnown) && product(out) !== product(data)) {
    throw shapeError(ctx, `cannot reshape [${data.join(',')}] to [${out.join(',')}]`);
  }
  return passThrough(ctx, out);
};

export const flatten: ShapeRule = (ctx) => {
  const dims = dimsOf(ctx, 0);
  if (!dims) return passThrough(ctx, [null, null]);
  const axis = intAttr(ctx, 'axis', 1);
  const a = axis < 0 ? axis + dims.length : axis;
  return passThrough(ctx, [symbolicProduct(dims.slice(0, a)), symbolicProduct(dims.slice(a))]);
};

export const unsqueeze: ShapeRule = (ctx) => {
  const dims = dimsOf(ctx, 0);
  const axes = attrOrInput(ctx, 'axes', 1, 13);
  if (!dims || !axes) return passThrough(ctx, undefined);
  const rank = dims.length + axes.length;
  const norm = new Set(axes.map((a) => (a < 0 ? a + rank : a)));
  const out: Dim[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) out.push(norm.has(i) ? 1 : dims[j++]);
  return passThrough(ctx, out);
};

export const squeeze: ShapeRule = (ctx) => {
  const dims = dimsOf(ctx, 0);
  if (!dims) return passThrough(ctx, undefined);
  const axes = attrOrInput(ctx, 'axes', 1, 13);
  const drop = axes ? new Set(axes.map((a) => (a < 0 ? a + dims.length : a))) : undefined;
  if (drop) for (const a of drop) if (isKnown(dims[a]) && dims[a] !== 1) throw shapeError(ctx, `axis ${a} is not 1`);
  // Without axes every 1 goes; an unknown dim might be 1 too, so the rank is then uncertain.
  if (!drop && dims.some((d) => !isKnown(d))) return passThrough(ctx, undefined);
  return passThrough(
    ctx,
    dims.filter((d, i) => (drop ? !drop.has(i) : d !== 1)),
  );
};

export const transpose: ShapeRule = (ctx) => {
  const dims = dimsOf(ctx, 0);
  if (!dims) return passThrough(ctx, undefined);
  const perm = intsAttr(ctx, 'perm') ?? dims.map((_, i) => dims.length - 1 - i);
  if (perm.length !== dims.length) throw shapeError(ctx, `perm of length ${perm.length} for rank ${dims.length}`);
  const out = perm.map((p) => dims[p]);
  const inStrides = dims.every(isKnown) ? strides(dims as number[]) : [];
  const values = remapValues(out, valuesOf(ctx, 0), (idx) => idx.reduce((s, v, i) => s + v * inStrides[perm[i]], 0));
  return [{ elemType: typeOf(ctx, 0), dims: out, values }];
};

export const expand: ShapeRule = (ctx) => {
  const dims = dimsOf(ctx, 0);
  const target = valuesOf(ctx, 1);
  if (!dims || !target) {
    const fromOperand = unknownDims(ctx, dimsOf(ctx, 1)?.[0]);
    const rank = fromOperand && Math.max(fromOperand.length, dims?.length ?? 0);
    return [{ elemType: typeOf(ctx, 0), dims: rank === undefined ? undefined : new Array<Dim>(rank).fill(null) }];
  }
  checkShapeOperand(ctx, target);
  const out = broadcastShapes([dims, target]);
  const values = foldBroadcast(ctx, [0], out, ([x]) => x);
  return [{ elemType: typeOf(ctx, 0), dims: out, values }];
};

export const tile: ShapeRule = (ctx) => {
  const dims = dimsOf(ctx, 0);
  const repeats = numericValues(ctx, 1);
  if (!dims) return passThrough(ctx, undefined);
  if (!repeats) return [{ elemType: typeOf(ctx, 0), dims: dims.map(() => null) }];
  if (repeats.length !== dims.length) throw shapeError(ctx, `${repeats.length} repeats for rank ${dims.length}`);
  checkShapeOperand(ctx, repeats);
  const out = dims.map((d, i) => (repeats[i] === 1 ? d : isKnown(d) ? d * repeats[i] : null));
  const inDims = dims as number[];
  const st = dims.every(isKnown) ? strides(inDims) : [];
  const values = remapValues(out, valuesOf(ctx, 0), (idx) => idx.reduce((s, v, i) => s + (v % inDims[i]) * st[i], 0));
  return [{ elemType: typeOf(ctx, 0), dims: out, values }];
};

/** DepthToSpace/SpaceToDepth on NCHW with blocksize b. */
const blocks =
  (toSpace: boolean): ShapeRule =>
  (ctx) => {
    const dims = dimsOf(ctx, 0);
    const b = intAttr(ctx, 'blocksize', 1);
    if (!dims || dims.length !== 4) return [{ elemType: typeOf(ctx, 0), dims: undefined }];
    const [n, c, h, w] = dims;
    const mul = (d: Dim, k: number): Dim => (isKnown(d) ? d * k : null);
    const div = (d: Dim, k: number): Dim => (isKnown(d) ? d / k : null);
    const out = toSpace ? [n, div(c, b * b), mul(h, b), mul(w, b)] : [n, mul(c, b * b), div(h, b), div(w, b)];
    return [{ elemType: typeOf(ctx, 0), dims: out }];
  };

export const RESHAPE_OP_RULES: Record<string, ShapeRule> = {
  Reshape: reshape,
  Flatten: flatten,
  Unsqueeze: unsqueeze,
  Squeeze: squeeze,
  Transpose: transpose,
  Expand: expand,
  Tile: tile,
  DepthToSpace: blocks(true),
  SpaceToDepth: blocks(false),
};
