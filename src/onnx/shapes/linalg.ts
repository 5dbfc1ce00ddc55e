/**
 * MatMul (numpy matmul: batch dims broadcast, 1-D operands promoted and their dim removed again) and
 * Gemm (2-D, optional transposes, C broadcast into [M, N]).
 */
import { Dim } from '../types';
import { broadcastShapes } from './broadcast';
import { dimsOf, intAttr, isKnown, shapeError, ShapeRule, typeOf } from './context';

export const matMul: ShapeRule = (ctx) => {
  const a = dimsOf(ctx, 0);
  const b = dimsOf(ctx, 1);
  const elemType = typeOf(ctx, 0);
  if (!a || !b) return [{ elemType }];
  if (a.length === 0 || b.length === 0) throw shapeError(ctx, 'MatMul of a scalar');
  const a2 = a.length === 1 ? [1, a[0]] : a;
  const b2 = b.length === 1 ? [b[0], 1] : b;
  const k1 = a2[a2.length - 1];
  const k2 = b2[b2.length - 2];
  if (isKnown(k1) && isKnown(k2) && k1 !== k2) throw shapeError(ctx, `inner dims differ: ${k1} vs ${k2}`);
  const batch = broadcastShapes([a2.slice(0, -2), b2.slice(0, -2)]);
  const out: Dim[] = [...batch];
  if (a.length > 1) out.push(a2[a2.length - 2]);
  if (b.length > 1) out.push(b2[b2.length - 1]);
  return [{ elemType, dims: out }];
};

export const gemm: ShapeRule = (ctx) => {
  const a = dimsOf(ctx, 0);
  const b = dimsOf(ctx, 1);
  const elemType = typeOf(ctx, 0);
  if (!a || !b) return [{ elemType }];
  if (a.length !== 2 || b.length !== 2)
    throw shapeError(ctx, `Gemm needs 2-D operands, got ranks ${a.length} and ${b.length}`);
  const [m, k1] = intAttr(ctx, 'transA', 0) ? [a[1], a[0]] : [a[0], a[1]];
  const [k2, n] = intAttr(ctx, 'transB', 0) ? [b[1], b[0]] : [b[0], b[1]];
  if (isKnown(k1) && isKnown(k2) && k1 !== k2) throw shapeError(ctx, `inner dims differ: ${k1} vs ${k2}`);
  return [{ elemType, dims: [m, n] }];
};

export const LINALG_RULES: Record<string, ShapeRule> = { MatMul: matMul, Gemm: gemm };
