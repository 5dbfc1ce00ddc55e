/**
 * What shape inference may produce. Dims come from the file or are folded from its values (a Reshape target, a
 * ConstantOfShape operand, Range bounds, Tile repeats), so any of them can be negative, fractional, NaN or 2^60:
 * every shape is checked here before it is published, and every array sized from a file value goes through
 * `unknownDims`, so that nothing is allocated from an unchecked number.
 */
import { overLimit, type OnnxLimits } from '../limits';
import { Dim, OnnxError, OnnxErrorCode } from '../types';
import { isKnown, NodeContext, shapeError } from './context';

const isCount = (d: number): boolean => Number.isSafeInteger(d) && d >= 0;

/** Throws when `dims` cannot be a tensor's shape: rank or elements over the caps, a dim that is no count. */
export function checkDims(what: string, dims: Dim[], limits: OnnxLimits, error = mismatch): void {
  if (dims.length > limits.maxRank) {
    throw overLimit(`${what} has rank ${dims.length}, more than the ${limits.maxRank} allowed`, {
      limit: limits.maxRank,
    });
  }
  let elements = 1;
  for (const d of dims) {
    if (!isKnown(d)) continue;
    if (!isCount(d)) throw error(`${what} has shape [${dims.join(',')}]: ${d} is not a dimension`);
    elements *= d;
  }
  if (elements > limits.maxTensorElements) {
    throw overLimit(
      `${what} has shape [${dims.join(',')}]: ${elements} elements, more than the ${limits.maxTensorElements} allowed`,
      {
        limit: limits.maxTensorElements,
      },
    );
  }
}

const mismatch = (message: string): OnnxError => new OnnxError(OnnxErrorCode.SHAPE_MISMATCH, message);

/** `len` unknown dims: the rank a 1-D shape operand of length `len` gives. Undefined when `len` is unknown. */
export function unknownDims(ctx: NodeContext, len: Dim | undefined): Dim[] | undefined {
  if (len === undefined || !isKnown(len)) return undefined;
  if (!isCount(len)) throw shapeError(ctx, `shape operand of length ${len}`);
  if (len > ctx.limits.maxRank) {
    throw overLimit(
      `node '${ctx.node.uniqueName}' (${ctx.node.opType}): output of rank ${len}, more than the ${ctx.limits.maxRank} allowed`,
      { node: ctx.node.uniqueName, limit: ctx.limits.maxRank },
    );
  }
  return new Array<Dim>(len).fill(null);
}

/** A folded shape operand (ConstantOfShape, Expand): every known entry a count, within the caps. */
export function checkShapeOperand(ctx: NodeContext, shape: Dim[]): void {
  checkDims(`shape operand of node '${ctx.node.uniqueName}' (${ctx.node.opType})`, shape, ctx.limits, (m) =>
    shapeError(ctx, m),
  );
}

/** Elements of a fully known, checked shape, small enough to fold; undefined otherwise. */
export function foldableCount(dims: Dim[], max: number): number | undefined {
  let n = 1;
  for (const d of dims) {
    if (!isKnown(d) || !isCount(d)) return undefined;
    n *= d;
  }
  return n <= max ? n : undefined;
}
