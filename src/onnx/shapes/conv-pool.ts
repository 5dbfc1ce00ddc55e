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

/** Each entry of a window attribute must have one value per spatial axis (two for pads) within its range. */
function windowAttr(ctx: NodeContext, name: string, length: number, min: number, fallback: number): number[] {
  const values = intsAttr(ctx, name) ?? new Array<number>(length).fill(fallback);
  if (values.length !== length) throw shapeError(ctx, `${name} has ${values.length} values, expected ${length}`);
  const bad = values.find((v) => !Number.isSafeInteger(v) || v < min);
  if (bad !== undefined) throw shapeError(ctx, `${name} [${values.join(',')}]: ${bad} is below ${min}`);
  return values;
}

function windowOf(ctx: NodeContext, spatial: number, kernel: number[] | undefined): Window | undefined {
  if (!kernel || kernel.length !== spatial) return undefined;
  const bad = kernel.find((k) => !Number.isSafeInteger(k) || k < 1);
  if (bad !== undefined) throw shapeError(ctx, `kernel [${kernel.join(',')}]: ${bad} is not a kernel size`);
  return {
    kernel,
    strides: windowAttr(ctx, 'strides', spatial, 1, 1),
    dilations: windowAttr(ctx, 'dilations', spatial, 1, 1),
    pads: windowAttr(ctx, 'pads', 2 * spatial, 0, 0),
    autoPad: stringAttr(ctx, 'auto_pad', 'NOTSET'),
  };
}

/** Output size along spatial axis i; a window larger than the padded input leaves no output, which is an error. */
function slidingDim(ctx: NodeContext, w: Window, i: number, d: Dim, ceilMode: boolean): Dim {
  if (!isKnown(d)) return null;
  const out = slidingSize(w, i, d, ceilMode);
  if (out < 1) {
    const span = (w.kernel[i] - 1) * w.dilations[i] + 1;
    throw shapeError(ctx, `kernel spans ${span} on spatial axis ${i}, more than the padded input of ${d}`);
  }
  return out;
}

function slidingSize(w: Window, i: number, d: number, ceilMode: boolean): number {
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

/** group >= 1 and dividing the channels: otherwise the weights cannot be split and the MACs mean nothing. */
function checkGroups(ctx: NodeContext, x: Dim[], weight: Dim[] | undefined, transposed: boolean): number {
  const group = intAttr(ctx, 'group', 1);
  if (!Number.isSafeInteger(group) || group < 1) throw shapeError(ctx, `group ${group} must be a positive integer`);
  const cin = x[1];
  if (isKnown(cin) && cin % group !== 0)
    throw shapeError(ctx, `group ${group} does not divide the ${cin} input channels`);
  if (!weight || weight.length !== x.length) return group;
  // Conv weights are [Cout, Cin/group, k...]; ConvTranspose weights are [Cin, Cout/group, k...].
  const [w0, w1] = weight;
  if (!transposed && isKnown(w0) && w0 % group !== 0) {
    throw shapeError(ctx, `group ${group} does not divide the ${w0} output channels`);
  }
  const expected = transposed ? w0 : isKnown(w1) ? w1 * group : null;
  if (isKnown(cin) && isKnown(expected) && expected !== cin) {
    throw shapeError(
      ctx,
      `weight [${weight.join(',')}] with group ${group} takes ${expected} input channels, not ${cin}`,
    );
  }
  return group;
}

export const conv: ShapeRule = (ctx) => {
  const x = dimsOf(ctx, 0);
  const weight = dimsOf(ctx, 1);
  const elemType = typeOf(ctx, 0);
  if (!x || x.length < 3) return [{ elemType }];
  const spatial = x.length - 2;
  checkGroups(ctx, x, weight, false);
  const kernel =
    intsAttr(ctx, 'kernel_shape') ?? (weight?.slice(2).every(isKnown) ? (weight.slice(2) as number[]) : undefined);
  const w = windowOf(ctx, spatial, kernel);
  const channels = weight ? weight[0] : null;
  if (!w) return [{ elemType, dims: [x[0], channels, ...new Array<Dim>(spatial).fill(null)] }];
  return [{ elemType, dims: [x[0], channels, ...x.slice(2).map((d, i) => slidingDim(ctx, w, i, d, false))] }];
};

export const convTranspose: ShapeRule = (ctx) => {
  const x = dimsOf(ctx, 0);
  const weight = dimsOf(ctx, 1);
  const elemType = typeOf(ctx, 0);
  if (!x || x.length < 3) return [{ elemType }];
  const spatial = x.length - 2;
  const group = checkGroups(ctx, x, weight, true);
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
    const out = w.strides[i] * (d - 1) + outPad[i] + (w.kernel[i] - 1) * w.dilations[i] + 1 - pads;
    if (out < 1) throw shapeError(ctx, `pads of ${pads} leave no output on spatial axis ${i}`);
    return out;
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
  return outputs([x[0], x[1], ...x.slice(2).map((d, i) => slidingDim(ctx, w, i, d, ceilMode))]);
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
