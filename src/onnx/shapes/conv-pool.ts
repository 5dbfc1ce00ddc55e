/**
 * Convolution and pooling over N·C·spatial tensors. Spatial output per axis (k = kernel, d = dilation, s = stride,
 * p = pad begin + pad end):
 *   NOTSET:          floor((in + p − ((k−1)·d + 1)) / s) + 1   (ceil with ceil_mode, pools only; a last window
 *                    that would start in the end padding is dropped, as ONNX Runtime and PyTorch do)
 *   SAME_UPPER/LOWER: ceil(in / s)         VALID: ceil((in − (k−1)·d) / s)
 *   ConvTranspose:   s·(in − 1) + output_padding + (k−1)·d + 1 − p, or `output_shape` when given
 *                    (SAME: in·s).
 * An unknown or symbolic spatial input gives an unknown output dim; batch passes through.
 */
import { Dim, OnnxDataType } from '../types';
import {
  dimsOf,
  numericValues,
  intAttr,
  intsAttr,
  isKnown,
  NodeContext,
  OutputInfo,
  shapeError,
  ShapeRule,
  stringAttr,
  typeOf,
} from './context';

interface Window {
  kernel: number[];
  strides: number[];
  dilations: number[];
  pads: number[];
  autoPad: string;
}

function windowOf(ctx: NodeContext, spatial: number, kernel: number[] | undefined): Window | undefined {
  if (!kernel || kernel.length !== spatial) return undefined;
  const ones = new Array<number>(spatial).fill(1);
  return {
    kernel,
    strides: intsAttr(ctx, 'strides') ?? ones,
    dilations: intsAttr(ctx, 'dilations') ?? ones,
    pads: intsAttr(ctx, 'pads') ?? new Array<number>(2 * spatial).fill(0),
    autoPad: stringAttr(ctx, 'auto_pad', 'NOTSET'),
  };
}

function slidingDim(w: Window, i: number, d: Dim, ceilMode: boolean): Dim {
  if (!isKnown(d)) return null;
  const s = w.strides[i];
  const span = (w.kernel[i] - 1) * w.dilations[i] + 1;
  if (w.autoPad === 'SAME_UPPER' || w.autoPad === 'SAME_LOWER') return Math.ceil(d / s);
  if (w.autoPad === 'VALID') return Math.ceil((d - span + 1) / s);
  const padBegin = w.pads[i];
  const total = d + padBegin + w.pads[i + w.kernel.length] - span;
  if (!ceilMode) return Math.floor(total / s) + 1;
  let out = Math.ceil(total / s) + 1;
  if ((out - 1) * s >= d + padBegin) out--;
  return out;
}

export const conv: ShapeRule = (ctx) => {
  const x = dimsOf(ctx, 0);
  const weight = dimsOf(ctx, 1);
  const elemType = typeOf(ctx, 0);
  if (!x || x.length < 3) return [{ elemType }];
  const spatial = x.length - 2;
  const kernel =
    intsAttr(ctx, 'kernel_shape') ?? (weight?.slice(2).every(isKnown) ? (weight.slice(2) as number[]) : undefined);
  const w = windowOf(ctx, spatial, kernel);
  const channels = weight ? weight[0] : null;
  if (!w) return [{ elemType, dims: [x[0], channels, ...new Array<Dim>(spatial).fill(null)] }];
  return [{ elemType, dims: [x[0], channels, ...x.slice(2).map((d, i) => slidingDim(w, i, d, false))] }];
};

export const convTranspose: ShapeRule = (ctx) => {
  const x = dimsOf(ctx, 0);
  const weight = dimsOf(ctx, 1);
  const elemType = typeOf(ctx, 0);
  if (!x || x.length < 3) return [{ elemType }];
  const spatial = x.length - 2;
  const group = intAttr(ctx, 'group', 1);
  const channels = weight && isKnown(weight[1]) ? weight[1] * group : null;
  const kernel =
    intsAttr(ctx, 'kernel_shape') ?? (weight?.slice(2).every(isKnown) ? (weight.slice(2) as number[]) : undefined);
  const w = windowOf(ctx, spatial, kernel);
  const outputShape = intsAttr(ctx, 'output_shape');
  if (outputShape) return [{ elemType, dims: [x[0], channels, ...outputShape.slice(-spatial)] }];
  if (!w) return [{ elemType, dims: [x[0], channels, ...new Array<Dim>(spatial).fill(null)] }];
  const outPad = intsAttr(ctx, 'output_padding') ?? new Array<number>(spatial).fill(0);
  const dims = x.slice(2).map((d, i): Dim => {
    if (!isKnown(d)) return null;
    if (w.autoPad === 'SAME_UPPER' || w.autoPad === 'SAME_LOWER') return d * w.strides[i];
    const pads = w.autoPad === 'VALID' ? 0 : w.pads[i] + w.pads[i + spatial];
    return w.strides[i] * (d - 1) + outPad[i] + (w.kernel[i] - 1) * w.dilations[i] + 1 - pads;
  });
  return [{ elemType, dims: [x[0], channels, ...dims] }];
};

/** MaxPool/AveragePool/LpPool: channels kept; MaxPool's optional second output holds INT64 indices. */
export const pool: ShapeRule = (ctx) => {
  const x = dimsOf(ctx, 0);
  const elemType = typeOf(ctx, 0);
  const outputs = (dims: Dim[] | undefined): OutputInfo[] =>
    ctx.node.outputs.map((_, i) => ({ elemType: i === 0 ? elemType : OnnxDataType.INT64, dims }));
  if (!x || x.length < 3) return outputs(undefined);
  const w = windowOf(ctx, x.length - 2, intsAttr(ctx, 'kernel_shape'));
  if (!w) throw shapeError(ctx, 'kernel_shape missing or of the wrong rank');
  const ceilMode = intAttr(ctx, 'ceil_mode', 0) === 1;
  return outputs([x[0], x[1], ...x.slice(2).map((d, i) => slidingDim(w, i, d, ceilMode))]);
};

/** GlobalAveragePool/GlobalMaxPool/GlobalLpPool: every spatial dim becomes 1. */
export const globalPool: ShapeRule = (ctx) => {
  const x = dimsOf(ctx, 0);
  return [{ elemType: typeOf(ctx, 0), dims: x ? [x[0], x[1], ...x.slice(2).map(() => 1)] : undefined }];
};

/**
 * Resize (opset ≥ 10: scales at input 1 in opset 10, roi/scales/sizes at inputs 1/2/3 from 11) and Upsample
 * (scales attribute in opset 7–8, input 1 in 9): out = sizes, or floor(in · scale).
 */
export const resize: ShapeRule = (ctx) => {
  const x = dimsOf(ctx, 0);
  const elemType = typeOf(ctx, 0);
  if (!x) return [{ elemType }];
  const scalesAt = ctx.node.opType === 'Upsample' || ctx.opset === 10 ? 1 : 2;
  const sizes = ctx.node.opType === 'Resize' && ctx.opset >= 11 ? numericValues(ctx, 3) : undefined;
  if (sizes && sizes.length === x.length) return [{ elemType, dims: sizes }];
  const attrScales = ctx.node.attributes.scales;
  const scales =
    ctx.node.opType === 'Upsample' && ctx.opset < 9
      ? attrScales?.kind === 'floats'
        ? attrScales.value
        : undefined
      : numericValues(ctx, scalesAt);
  if (!scales || scales.length !== x.length) return [{ elemType, dims: x.map(() => null) }];
  return [{ elemType, dims: x.map((d, i) => (isKnown(d) ? Math.floor(d * scales[i]) : scales[i] === 1 ? d : null)) }];
};

export const CONV_POOL_RULES: Record<string, ShapeRule> = {
  Conv: conv,
  ConvTranspose: convTranspose,
  MaxPool: pool,
  AveragePool: pool,
  LpPool: pool,
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  GlobalLpPool: globalPool,
  Resize: resize,
  Upsample: resize,
};
