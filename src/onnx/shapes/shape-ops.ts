/**
 * Ops that create tensors from nothing or from shapes: Constant, ConstantOfShape, Shape, Size, Range.
 * Their outputs are the sources of constant folding: Shape publishes its input's dims (symbols included) as
 * values, Constant publishes its tensor's decoded values when the reader kept them (small tensors only).
 */
import { Dim, OnnxDataType, SMALL_TENSOR_MAX_ELEMENTS, TensorStub } from '../types';
import { checkShapeOperand, foldableCount, unknownDims } from './bounds';
import { attr, dimsOf, intAttr, numericValues, product, shapeError, ShapeRule, typeOf, valuesOf } from './context';

/** Shape and folded values of an initializer or a Constant's tensor. */
export function stubOutput(t: TensorStub): { elemType: OnnxDataType; dims: Dim[]; values?: Dim[] } {
  return { elemType: t.dataType, dims: [...t.dims], values: t.values ? [...t.values] : undefined };
}

export const constant: ShapeRule = (ctx) => {
  const a = Object.entries(ctx.node.attributes)[0];
  if (!a) throw shapeError(ctx, 'Constant without a value attribute');
  const v = a[1];
  switch (v.kind) {
    case 'tensor':
      return [stubOutput(v.value)];
    case 'float':
      return [{ elemType: OnnxDataType.FLOAT, dims: [], values: [v.value] }];
    case 'int':
      return [{ elemType: OnnxDataType.INT64, dims: [], values: [v.value] }];
    case 'floats':
      return [{ elemType: OnnxDataType.FLOAT, dims: [v.value.length], values: [...v.value] }];
    case 'ints':
      return [{ elemType: OnnxDataType.INT64, dims: [v.value.length], values: [...v.value] }];
    case 'string':
      return [{ elemType: OnnxDataType.STRING, dims: [] }];
    case 'strings':
      return [{ elemType: OnnxDataType.STRING, dims: [v.value.length] }];
    default:
      // sparse_value and friends: the type and shape are not decoded by the reader.
      return [{ elemType: OnnxDataType.UNDEFINED }];
  }
};

/** ConstantOfShape(shape): dims are the folded shape values; the fill value's type (default float 0). */
export const constantOfShape: ShapeRule = (ctx) => {
  const value = attr(ctx, 'value');
  const fill = value?.kind === 'tensor' ? value.value : undefined;
  const elemType = fill?.dataType ?? OnnxDataType.FLOAT;
  const shape = valuesOf(ctx, 0);
  // Rank is still known when the shape operand's length is.
  if (!shape) return [{ elemType, dims: unknownDims(ctx, dimsOf(ctx, 0)?.[0]) }];
  checkShapeOperand(ctx, shape);
  const count = foldableCount(shape, SMALL_TENSOR_MAX_ELEMENTS);
  const fillValue = fill ? fill.values?.[0] : 0;
  const values = count !== undefined && fillValue !== undefined ? new Array<Dim>(count).fill(fillValue) : undefined;
  return [{ elemType, dims: [...shape], values }];
};

/** Shape(x) (start/end since opset 15): 1-D INT64 whose values are x's dims, symbols kept. */
export const shape: ShapeRule = (ctx) => {
  const dims = dimsOf(ctx, 0);
  if (!dims) return [{ elemType: OnnxDataType.INT64 }];
  const rank = dims.length;
  const clamp = (v: number): number => Math.min(rank, Math.max(0, v < 0 ? v + rank : v));
  const start = clamp(intAttr(ctx, 'start', 0));
  const end = clamp(intAttr(ctx, 'end', rank));
  const values = dims.slice(start, Math.max(start, end));
  return [{ elemType: OnnxDataType.INT64, dims: [values.length], values }];
};

export const size: ShapeRule = (ctx) => {
  const dims = dimsOf(ctx, 0);
  const n = dims ? product(dims) : null;
  return [{ elemType: OnnxDataType.INT64, dims: [], values: n === null ? undefined : [n] }];
};

/** Range(start, limit, delta): length max(ceil((limit − start) / delta), 0). */
export const range: ShapeRule = (ctx) => {
  const elemType = typeOf(ctx, 0);
  const [start, limit, delta] = [0, 1, 2].map((i) => numericValues(ctx, i)?.[0]);
  if (start === undefined || limit === undefined || delta === undefined || delta === 0) {
    return [{ elemType, dims: [null] }];
  }
  const n = Math.max(Math.ceil((limit - start) / delta), 0);
  if (!Number.isSafeInteger(n)) throw shapeError(ctx, `Range(${start}, ${limit}, ${delta}) has no countable length`);
  const values = n <= SMALL_TENSOR_MAX_ELEMENTS ? Array.from({ length: n }, (_, i) => start + i * delta) : undefined;
  return [{ elemType, dims: [n], values }];
};

/** NonZero: [rank, unknown count]. */
export const nonZero: ShapeRule = (ctx) => {
  const dims = dimsOf(ctx, 0);
  return [{ elemType: OnnxDataType.INT64, dims: dims ? [dims.length, null] : undefined }];
};

export const SHAPE_OP_RULES: Record<string, ShapeRule> = {
  Constant: constant,
  ConstantOfShape: constantOfShape,
  Shape: shape,
  Size: size,
  Range: range,
  NonZero: nonZero,
};
