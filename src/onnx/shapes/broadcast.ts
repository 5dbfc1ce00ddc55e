/**
 * Numpy-style multidirectional broadcasting over dims that may be symbolic (strings) or unknown (null).
 * Per aligned position (shapes right-aligned, missing leading dims count as 1):
 *   - 1s are ignored; all 1 → 1;
 *   - one known size n > 1 wins (a symbol or unknown next to it must be 1 or n at run time); two different
 *     known sizes > 1 cannot broadcast → SHAPE_MISMATCH;
 *   - otherwise the same symbol everywhere → that symbol; anything else (two symbols, a symbol and an unknown,
 *     only unknowns) → unknown (null), since either side may be the broadcast 1.
 */
import { Dim, OnnxError, OnnxErrorCode } from '../types';

const show = (dims: Dim[]): string => `[${dims.map((d) => (d === null ? '?' : String(d))).join(',')}]`;

export function broadcastDim(dims: Dim[]): Dim {
  const rest = dims.filter((d) => d !== 1);
  if (rest.length === 0) return 1;
  const known = rest.filter((d): d is number => typeof d === 'number');
  if (known.length > 0) {
    if (known.some((d) => d !== known[0])) return Number.NaN; // signals a conflict to broadcastShapes
    return known[0];
  }
  const first = rest[0];
  return typeof first === 'string' && rest.every((d) => d === first) ? first : null;
}

export function broadcastShapes(shapes: Dim[][]): Dim[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const column = shapes.map((s) => (i < rank - s.length ? 1 : s[i - (rank - s.length)]));
    const d = broadcastDim(column);
    if (typeof d === 'number' && Number.isNaN(d)) {
      throw new OnnxError(OnnxErrorCode.SHAPE_MISMATCH, `cannot broadcast shapes ${shapes.map(show).join(' and ')}`);
    }
    out.push(d);
  }
  return out;
}

/** Row-major strides of a fully known shape. */
export function strides(dims: number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1] * dims[i + 1];
  return s;
}

/**
 * Elementwise map of folded operands broadcast to `outDims` (all known): f gets one value per operand.
 * Used by constant folding of Add/Mul/Where/Expand/... on shape values.
 */
export function mapBroadcast(
  operands: { values: Dim[]; dims: number[] }[],
  outDims: number[],
  f: (xs: Dim[]) => Dim,
): Dim[] {
  const total = outDims.reduce((a, b) => a * b, 1);
  const outStrides = strides(outDims);
  const rank = outDims.length;
  const opStrides = operands.map(({ dims }) => {
    const own = strides(dims);
    // Aligned to the output's rank; a broadcast (size-1 or missing) axis has stride 0.
    return outDims.map((_, i) => {
      const j = i - (rank - dims.length);
      return j < 0 || dims[j] === 1 ? 0 : own[j];
    });
  });
  const out: Dim[] = new Array<Dim>(total);
  for (let flat = 0; flat < total; flat++) {
    const xs = operands.map((op, k) => {
      let offset = 0;
      let rem = flat;
      for (let i = 0; i < rank; i++) {
        const idx = Math.floor(rem / outStrides[i]);
        rem -= idx * outStrides[i];
        offset += idx * opStrides[k][i];
      }
      return op.values[offset];
    });
    out[flat] = f(xs);
  }
  return out;
}
