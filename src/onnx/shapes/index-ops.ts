/**
 * Ops that select or join elements: Concat, Slice, Gather, Split, Pad. Slice/Split/Pad read their operands from
 * attributes in old opsets (Slice < 10, Split < 13, Pad < 11) and from inputs after; all fold small values.
 */
import { Dim } from '../types';
import { strides } from './broadcast';
import {
  attrOrInput,
  dimsOf,
  input,
  intAttr,
  intsAttr,
  isKnown,
  normalizeAxis,
  numericValues,
  shapeError,
  ShapeRule,
  typeOf,
  valuesOf,
} from './context';
import { remapValues } from './reshape-ops';

/** Two dims that must agree (Concat's non-axis dims): prefer the known one, reject two different numbers. */
function mergeDim(a: Dim, b: Dim): Dim | undefined {
  if (isKnown(a) && isKnown(b)) return a === b ? a : undefined;
  return isKnown(a) ? a : isKnown(b) ? b : a === b ? a : (a ?? b);
}

export const concat: ShapeRule = (ctx) => {
  const parts = ctx.node.inputs.map((_, i) => i).filter((i) => input(ctx, i));
  const shapes = parts.map((i) => dimsOf(ctx, i));
  const elemType = typeOf(ctx, parts[0] ?? 0);
  if (shapes.some((s) => !s) || shapes.length === 0) return [{ elemType }];
  const all = shapes as Dim[][];
  const rank = all[0].length;
  const axis = normalizeAxis(ctx, intAttr(ctx, 'axis', 0), rank);
  const out = [...all[0]];
  for (const s of all.slice(1)) {
    if (s.length !== rank) throw shapeError(ctx, `inputs of rank ${rank} and ${s.length}`);
    for (let i = 0; i < rank; i++) {
      if (i === axis) {
        const [x, y] = [out[i], s[i]];
        out[i] = isKnown(x) && isKnown(y) ? x + y : null;
        continue;
      }
      const m = mergeDim(out[i], s[i]);
      if (m === undefined) throw shapeError(ctx, `dim ${i} differs: ${String(out[i])} vs ${String(s[i])}`);
      out[i] = m;
    }
  }
  // Fold: each outer block is the concatenation of every input's inner chunk.
  const vals = parts.map((i) => valuesOf(ctx, i));
  let values: Dim[] | undefined;
  if (vals.every((v) => v) && all.every((s) => s.every(isKnown))) {
    const outer = (all[0].slice(0, axis) as number[]).reduce((a, b) => a * b, 1);
    values = [];
    for (let o = 0; o < outer; o++) {
      all.forEach((s, k) => {
        const chunk = (s.slice(axis) as number[]).reduce((a, b) => a * b, 1);
        values!.push(...(vals[k] as Dim[]).slice(o * chunk, (o + 1) * chunk));
      });
    }
  }
  return [{ elemType, dims: out, values }];
};

/** Clamp one slice axis as the spec does; returns [start, step, length]. */
function sliceAxis(dim: number, start: number, end: number, step: number): [number, number, number] {
  const norm = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v < 0 ? v + dim : v));
  const s = step > 0 ? norm(start, 0, dim) : norm(start, 0, dim - 1);
  const e = step > 0 ? norm(end, 0, dim) : norm(end, -1, dim - 1);
  const len = Math.max(0, Math.ceil((e - s) / step));
  return [s, step, len];
}

export const slice: ShapeRule = (ctx) => {
  const dims = dimsOf(ctx, 0);
  const elemType = typeOf(ctx, 0);
  if (!dims) return [{ elemType }];
  const starts = attrOrInput(ctx, 'starts', 1, 10);
  const ends = attrOrInput(ctx, 'ends', 2, 10);
  const axesGiven = ctx.opset < 10 ? intsAttr(ctx, 'axes') : input(ctx, 3) ? numericValues(ctx, 3) : undefined;
  const axesMissing = ctx.opset < 10 ? !intsAttr(ctx, 'axes') : !input(ctx, 3);
  const steps = ctx.opset >= 10 && input(ctx, 4) ? numericValues(ctx, 4) : undefined;
  const stepsMissing = ctx.opset < 10 || !input(ctx, 4);
  if (!starts || !ends || (!axesGiven && !axesMissing) || (!steps && !stepsMissing)) {
    return [{ elemType, dims: dims.map(() => null) }];
  }
  const axes = (axesGiven ?? starts.map((_, i) => i)).map((a) => normalizeAxis(ctx, a, dims.length));
  const out = [...dims];
  const plan = dims.map((d): [number, number, number] => [0, 1, isKnown(d) ? d : 0]);
  axes.forEach((a, k) => {
    const step = steps?.[k] ?? 1;
    if (step === 0) throw shapeError(ctx, 'slice step 0');
    const d = dims[a];
    if (!isKnown(d)) {
      // Whole-axis slices keep a symbolic dim; anything else is unknown.
      const whole = step === 1 && starts[k] === 0 && ends[k] >= 2 ** 31 - 1;
      out[a] = whole ? d : null;
      return;
    }
    plan[a] = sliceAxis(d, starts[k], ends[k], step);
    out[a] = plan[a][2];
  });
  const inSt = dims.every(isKnown) ? strides(dims as number[]) : [];
  const values = remapValues(out, valuesOf(ctx, 0), (idx) =>
    idx.reduce((s, v, i) => s + (plan[i][0] + v * plan[i][1]) * inSt[i], 0),
  );
  return [{ elemType, dims: out, values }];
};

export const gather: ShapeRule = (ctx) => {
  const data = dimsOf(ctx, 0);
  const indices = dimsOf(ctx, 1);
  const elemType = typeOf(ctx, 0);
  if (!data || !indices) return [{ elemType }];
  const axis = normalizeAxis(ctx, intAttr(ctx, 'axis', 0), data.length);
  const out = [...data.slice(0, axis), ...indices, ...data.slice(axis + 1)];
  const idx = numericValues(ctx, 1);
  let values: Dim[] | undefined;
  if (idx && data.every(isKnown) && indices.every(isKnown)) {
    const d = data as number[];
    const st = strides(d);
    const idxSt = strides(indices as number[]);
    const q = indices.length;
    values = remapValues(out, valuesOf(ctx, 0), (o) => {
      const flatIdx = o.slice(axis, axis + q).reduce((s, v, i) => s + v * idxSt[i], 0);
      const k = idx[flatIdx] < 0 ? idx[flatIdx] + d[axis] : idx[flatIdx];
      const src = [...o.slice(0, axis), k, ...o.slice(axis + q)];
      return src.reduce((s, v, i) => s + v * st[i], 0);
    });
  }
  return [{ elemType, dims: out, values }];
};

/** Split: sizes from the `split` attribute (< 13) or input 1, else num_outputs / output count, equal parts. */
export const split: ShapeRule = (ctx) => {
  const dims = dimsOf(ctx, 0);
  const elemType = typeOf(ctx, 0);
  const n = ctx.node.outputs.length;
  if (!dims) return ctx.node.outputs.map(() => ({ elemType }));
  const axis = normalizeAxis(ctx, intAttr(ctx, 'axis', 0), dims.length);
  const d = dims[axis];
  let sizes: (number | null)[] | undefined = attrOrInput(ctx, 'split', 1, 13);
  if (!sizes && ctx.opset >= 13 && input(ctx, 1)) sizes = new Array<null>(n).fill(null);
  if (!sizes) {
    const parts = intAttr(ctx, 'num_outputs', n);
    // Opset 18: ceil-sized parts, the last one smaller.
    const chunk = isKnown(d) ? Math.ceil(d / parts) : null;
    sizes = Array.from({ length: n }, (_, i) => (chunk === null ? null : Math.min(chunk, (d as number) - i * chunk)));
  }
  return sizes.map((s) => ({ elemType, dims: dims.map((x, i) => (i === axis ? s : x)) }));
};

/** Pad: pads = [x1_begin, x2_begin, ..., x1_end, ...] from the attribute (< 11) or input 1 (axes input ≥ 18). */
export const pad: ShapeRule = (ctx) => {
  const dims = dimsOf(ctx, 0);
  const elemType = typeOf(ctx, 0);
  if (!dims) return [{ elemType }];
  const pads = ctx.opset < 11 ? (intsAttr(ctx, 'pads') ?? intsAttr(ctx, 'paddings')) : numericValues(ctx, 1);
  if (!pads) return [{ elemType, dims: dims.map(() => null) }];
  const axes = ctx.opset >= 18 && input(ctx, 3) ? numericValues(ctx, 3) : dims.map((_, i) => i);
  if (!axes) return [{ elemType, dims: dims.map(() => null) }];
  const out = [...dims];
  axes.forEach((a, k) => {
    const i = normalizeAxis(ctx, a, dims.length);
    const d = dims[i];
    out[i] = isKnown(d) ? d + pads[k] + pads[k + axes.length] : pads[k] + pads[k + axes.length] === 0 ? d : null;
  });
  return [{ elemType, dims: out }];
};

export const INDEX_OP_RULES: Record<string, ShapeRule> = {
  Concat: concat,
  Slice: slice,
  Gather: gather,
  Split: split,
  Pad: pad,
};
