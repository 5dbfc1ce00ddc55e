/**
 * Caps on what one uploaded model may make the pipeline hold or compute. A file is attacker-controlled: every
 * count, rank and element count it declares (or that folding derives from it) is checked against these before
 * anything is allocated from it, so that a 117-byte file cannot ask for a 2^31-entry array.
 */
import { OnnxError, OnnxErrorCode } from './types';

export interface OnnxLimits {
  /** Most nodes one graph may have. */
  maxNodes: number;
  /** Most dimensions a tensor may have (declared, or inferred by shape inference). */
  maxRank: number;
  /** Most elements a tensor may have (declared, or inferred). */
  maxTensorElements: number;
  /** Most bytes the whole graph structure (names, attributes, shapes, one overhead per message) may hold. */
  maxGraphBytes: number;
}

const MIB = 1024 * 1024;

/** Far above any real model: ResNet-152 has 500 nodes, GPT-2 XL 20k; the largest tensor of Llama-70B has 1e9 elements. */
export const DEFAULT_ONNX_LIMITS: Readonly<OnnxLimits> = {
  maxNodes: 200_000,
  maxRank: 32,
  maxTensorElements: 2 ** 40,
  maxGraphBytes: 256 * MIB,
};

/**
 * MACs, parameters and bytes of a node above this are not a real model (the largest models run 1e15 MACs per
 * inference), and out of the range the predictors were trained on: such a graph is refused, not planned.
 */
export const MAX_NODE_FEATURE = 1e18;

export const withDefaults = (limits: Partial<OnnxLimits> | undefined): OnnxLimits => ({
  ...DEFAULT_ONNX_LIMITS,
  ...limits,
});

export function overLimit(message: string, details?: Record<string, unknown>): OnnxError {
  return new OnnxError(OnnxErrorCode.OVER_LIMIT, message, details);
}
