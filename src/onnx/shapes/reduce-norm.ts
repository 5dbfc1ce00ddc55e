/**
 * Reductions, softmax-like ops and normalisations. Reduce* take `axes` as an attribute before opset 18
 * (ReduceSum before 13) and as input 1 after; old-opset BatchNormalization (training outputs) and Dropout (mask)
 * have extra outputs.
 */
import { Dim, OnnxDataType } from '../types';
import { dimsOf, input, intAttr, intsAttr, normalizeAxis, numericValues, ShapeRule, typeOf } from './context';

export const reduce: ShapeRule = (ctx) => {
  const dims = dimsOf(ctx, 0);
  const elemType = typeOf(ctx, 0);
  if (!dims) return [{ elemType }];
  const keep = intAttr(ctx, 'keepdims', 1) === 1;
  const axesAsInput = ctx.opset >= (ctx.node.opType === 'ReduceSum' ? 13 : 18);
  const axes = axesAsInput ? (input(ctx, 1) ? numericValues(ctx, 1) : []) : (intsAttr(ctx, 'axes') ?? []);
  if (!axes) return [{ elemType, dims: keep ? dims.map(() => null) : undefined }];
  const noop = axes.length === 0 && intAttr(ctx, 'noop_with_empty_axes', 0) === 1;
  if (noop) return [{ elemType, dims }];
  const set = new Set(axes.length === 0 ? dims.map((_, i) => i) : axes.map((a) => normalizeAxis(ctx, a, dims.length)));
  const out: Dim[] = [];
  dims.forEach((d, i) => (set.has(i) ? keep && out.push(1) : out.push(d)));
  return [{ elemType, dims: out }];
};

/** ArgMax/ArgMin: one axis, INT64 indices. */
export const argReduce: ShapeRule = (ctx) => {
  const dims = dimsOf(ctx, 0);
  if (!dims) return [{ elemType: OnnxDataType.INT64 }];
  const axis = normalizeAxis(ctx, intAttr(ctx, 'axis', 0), dims.length);
  const keep = intAttr(ctx, 'keepdims', 1) === 1;
  const out = keep ? dims.map((d, i) => (i === axis ? 1 : d)) : dims.filter((_, i) => i !== axis);
  return [{ elemType: OnnxDataType.INT64, dims: out }];
};

/** Output 0 like X; the rest per-channel [C] (BatchNormalization's running/saved statistics). */
export const batchNorm: ShapeRule = (ctx) => {
  const dims = dimsOf(ctx, 0);
  const elemType = typeOf(ctx, 0);
  return ctx.node.outputs.map((_, i) => ({ elemType, dims: i === 0 ? dims : dims ? [dims[1] ?? null] : undefined }));
};

/** Dropout: output like X; the mask is BOOL since opset 10 (X's type before). */
export const dropout: ShapeRule = (ctx) => {
  const dims = dimsOf(ctx, 0);
  const elemType = typeOf(ctx, 0);
  return ctx.node.outputs.map((_, i) => ({
    elemType: i === 0 || ctx.opset < 10 ? elemType : OnnxDataType.BOOL,
    dims,
  }));
};

/** LayerNormalization: Y like X; Mean/InvStdDev keep dims before `axis` and 1 after. */
export const layerNorm: ShapeRule = (ctx) => {
  const dims = dimsOf(ctx, 0);
  const elemType = typeOf(ctx, 0);
  if (!dims) return ctx.node.outputs.map(() => ({ elemType }));
  const axis = normalizeAxis(ctx, intAttr(ctx, 'axis', -1), dims.length);
  const stats = dims.map((d, i) => (i < axis ? d : 1));
  const statType =
    ctx.node.attributes.stash_type?.kind === 'int'
      ? (ctx.node.attributes.stash_type.value as OnnxDataType)
      : OnnxDataType.FLOAT;
  return ctx.node.outputs.map((_, i) => (i === 0 ? { elemType, dims } : { elemType: statType, dims: stats }));
};

const sameShape: ShapeRule = (ctx) => [{ elemType: typeOf(ctx, 0), dims: dimsOf(ctx, 0) }];

export const REDUCE_NORM_RULES: Record<string, ShapeRule> = {
  ...Object.fromEntries(
    [
      'ReduceMean',
      'ReduceSum',
      'ReduceMax',
      'ReduceMin',
      'ReduceProd',
      'ReduceL1',
      'ReduceL2',
      'ReduceLogSum',
      'ReduceLogSumExp',
      'ReduceSumSquare',
    ].map((op) => [op, reduce]),
  ),
  ArgMax: argReduce,
  ArgMin: argReduce,
  BatchNormalization: batchNorm,
  Dropout: dropout,
  LayerNormalization: layerNorm,
  ...Object.fromEntries(
    [
      'Softmax',
      'LogSoftmax',
      'Hardmax',
      'LRN',
      'InstanceNormalization',
      'GroupNormalization',
      'MeanVarianceNormalization',
      'LpNormalization',
    ].map((op) => [op, sameShape]),
  ),
};
