/**
 * What a shape rule sees and returns. A rule gets the node, the opset, the inferred shape of every input and,
 * for small constant-folded tensors, their values; it returns one entry per output. Values are Dim[] rather than
 * number[] so that `Shape` of a tensor with a symbolic batch dim can flow through Gather/Concat into a Reshape
 * target and keep the symbol; only fully numeric values are published as `constants`.
 */
import type { OnnxLimits } from '../limits';
import { AttributeValue, Dim, GraphNode, OnnxDataType, OnnxError, OnnxErrorCode, TensorShape } from '../types';

export interface InputInfo {
  name: string;
  /** Undefined when the input is omitted ('') or its shape is unknown. */
  shape?: TensorShape;
  /** Folded values (row-major) when small and known; entries may be symbolic/unknown dims. */
  values?: Dim[];
}

export interface NodeContext {
  node: GraphNode;
  opset: number;
  inputs: InputInfo[];
  /** The caps every output shape (and every array sized from a folded value) is held to. */
  limits: OnnxLimits;
}

export interface OutputInfo {
  elemType: OnnxDataType;
  /** Undefined when the rule cannot tell the shape (e.g. a data-dependent output). */
  dims?: Dim[];
  values?: Dim[];
}

export type ShapeRule = (ctx: NodeContext) => OutputInfo[];

/** Thrown by rules on inconsistent inputs; index.ts adds the node's name. */
export function shapeError(ctx: NodeContext, message: string): OnnxError {
  return new OnnxError(OnnxErrorCode.SHAPE_MISMATCH, `node '${ctx.node.uniqueName}' (${ctx.node.opType}): ${message}`, {
    node: ctx.node.uniqueName,
  });
}

export function attr(ctx: NodeContext, name: string): AttributeValue | undefined {
  return ctx.node.attributes[name];
}

export function intAttr(ctx: NodeContext, name: string, fallback: number): number;
export function intAttr(ctx: NodeContext, name: string): number | undefined;
export function intAttr(ctx: NodeContext, name: string, fallback?: number): number | undefined {
  const a = attr(ctx, name);
  return a?.kind === 'int' ? a.value : fallback;
}

export function intsAttr(ctx: NodeContext, name: string): number[] | undefined {
  const a = attr(ctx, name);
  if (a?.kind === 'ints') return a.value;
  if (a?.kind === 'int') return [a.value];
  return undefined;
}

export function stringAttr(ctx: NodeContext, name: string, fallback: string): string {
  const a = attr(ctx, name);
  return a?.kind === 'string' ? a.value : fallback;
}

export const input = (ctx: NodeContext, i: number): InputInfo | undefined =>
  i < ctx.inputs.length && ctx.inputs[i].name !== '' ? ctx.inputs[i] : undefined;
export const dimsOf = (ctx: NodeContext, i: number): Dim[] | undefined => input(ctx, i)?.shape?.dims;
export const typeOf = (ctx: NodeContext, i: number): OnnxDataType =>
  input(ctx, i)?.shape?.elemType ?? OnnxDataType.UNDEFINED;
export const valuesOf = (ctx: NodeContext, i: number): Dim[] | undefined => input(ctx, i)?.values;

/** Folded values that are all plain numbers (for axes, pads, shapes used as numbers). */
export function numericValues(ctx: NodeContext, i: number): number[] | undefined {
  const v = valuesOf(ctx, i);
  return v && v.every((x) => typeof x === 'number') ? (v as number[]) : undefined;
}

/**
 * An operand that moved from an attribute to an input at some opset (Slice starts, Squeeze axes, ...): the
 * attribute before `inputSince`, the input's folded values from it on. Undefined when absent or not folded.
 */
export function attrOrInput(
  ctx: NodeContext,
  name: string,
  inputIndex: number,
  inputSince: number,
): number[] | undefined {
  return ctx.opset < inputSince ? intsAttr(ctx, name) : numericValues(ctx, inputIndex);
}

export function normalizeAxis(ctx: NodeContext, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw shapeError(ctx, `axis ${axis} out of range for rank ${rank}`);
  return a;
}

export const isKnown = (d: Dim): d is number => typeof d === 'number';

/** Product of dims: a number when all are known, null otherwise. */
export function product(dims: Dim[]): number | null {
  let p = 1;
  for (const d of dims) {
    if (!isKnown(d)) return null;
    p *= d;
  }
  return p;
}

/** Integer element types fold with integer arithmetic (Div truncates, as ONNX Runtime does). */
export const INTEGER_TYPES = new Set<OnnxDataType>([
  OnnxDataType.UINT8,
  OnnxDataType.INT8,
  OnnxDataType.UINT16,
  OnnxDataType.INT16,
  OnnxDataType.INT32,
  OnnxDataType.INT64,
  OnnxDataType.UINT32,
  OnnxDataType.UINT64,
]);

/** Same shape and type as input 0: the rule of every unary elementwise op. */
export const sameAsInput: ShapeRule = (ctx) => [{ elemType: typeOf(ctx, 0), dims: dimsOf(ctx, 0) }];

/** Product that keeps a lone symbol exact ([N, 1] → N); mixed symbol·number or two symbols → unknown. */
export function symbolicProduct(dims: Dim[]): Dim {
  let p = 1;
  const symbols: Dim[] = [];
  for (const d of dims) {
    if (typeof d === 'number') p *= d;
    else symbols.push(d);
  }
  if (symbols.length === 0 || p === 0) return p;
  return symbols.length === 1 && p === 1 ? symbols[0] : null;
}
