/**
 * Plain-data inputs and outputs of the planning core (DESIGN.md, "Cost model"). Nothing here knows about Nest,
 * ONNX or the database: the plans service maps its entities onto these shapes.
 */

/** Bytes per element of intermediate tensors sent over a link. */
export type TransferDtype = 'float32' | 'float16' | 'int8';

export const DTYPE_BYTES: Record<TransferDtype, number> = { float32: 4, float16: 2, int8: 1 };

export interface PlanNode {
  name: string;
  /** Latency on each tier, in microseconds (index = tier). Ignored for constant nodes. */
  latencyUs: number[];
  /** Folded by the runtime: costs 0, moves no bytes, placed on the tier of its first consumer. */
  isConstant: boolean;
}

export interface PlanTensor {
  name: string;
  /** Index of the producing node, or -1 for a model input (it starts on t0). */
  producer: number;
  /** Indices of the consuming nodes (duplicates allowed; constant consumers are ignored). */
  consumers: number[];
  elements: number;
  isModelOutput: boolean;
  /** ONNX element type; absent or 0 when unknown (priced as float32, see wire-bytes.ts). */
  elemType?: number;
}

/** Nodes in topological order (every producer index is lower than its consumers'). */
export interface PlanGraph {
  nodes: PlanNode[];
  tensors: PlanTensor[];
}

/** Link k (1-based) joins tier k-1 and tier k. */
export interface PlanLink {
  uplinkMbps: number;
  downlinkMbps: number;
  rttMs: number;
}

export interface PlanNetwork {
  /** Number of tiers T >= 1; tier 0 is the end device. */
  tiers: number;
  /** T - 1 links; links[k - 1] is link k. */
  links: PlanLink[];
}

export interface PlanOptions {
  /** Bytes per element of intermediate tensors (default float32). The model input is float32 unless inputBytes. */
  transferDtype?: TransferDtype;
  /** Bytes of the model input(s) when sent from t0 (an encoded image); split over several inputs by elements. */
  inputBytes?: number;
  /** Node indices that must run on tier 0 (privacy). Pins on constant nodes are ignored (they never run). */
  pinToEnd?: number[];
  /** Checked in the solver loops: a plan of a huge graph stops with PlanningTimeout instead of blocking its caller. */
  deadline?: PlanDeadline;
}

export interface PlanDeadline {
  /** Throws PlanningTimeout once the time is spent. */
  check(): void;
}

export interface LinkTransfer {
  /** 1-based link index: link k joins tier k-1 and tier k. */
  link: number;
  bytes: number;
  ms: number;
  /** Names of the tensors that cross the link. */
  tensors: string[];
}

export interface Evaluation {
  totalMs: number;
  /** Compute time per tier. */
  computeMs: number[];
  /** Uplink messages, one per used link, in link order. */
  transfers: LinkTransfer[];
  /** Downlink messages carrying the model outputs back to t0, one per used link. */
  returns: LinkTransfer[];
  returnMs: number;
}

/** A plan: the tier of every node (constant nodes with their first consumer) and its cost. */
export interface Solution {
  assignment: number[];
  cost: Evaluation;
}

/** Which tiers a solve may use (baselines restrict to one or two tiers); undefined = all. */
export type AllowedTiers = readonly boolean[] | undefined;
