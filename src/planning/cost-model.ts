/**
 * The cost model of DESIGN.md, written once: `evaluate` prices any assignment, and the solvers and tests use it
 * as the reference. `prepare` does the per-graph work (bytes, deduplicated non-constant consumers, reachability)
 * once, so that re-planning under another network or bandwidth only pays for the solve itself.
 */
import {
  Evaluation,
  LinkTransfer,
  PlanGraph,
  PlanLink,
  PlanNetwork,
  PlanDeadline,
  PlanOptions,
  TransferDtype,
} from './types';
import { inputWireBytes, wireBytes } from './wire-bytes';

export class PlanningError extends Error {}

/** The plan's time budget ran out (PlanOptions.deadline). */
export class PlanningTimeout extends PlanningError {}

/** A deadline `ms` from now on a monotonic clock (`now` for tests). */
export function deadlineAfter(ms: number, now: () => number = () => performance.now()): PlanDeadline {
  const end = now() + ms;
  return {
    check(): void {
      if (now() > end) throw new PlanningTimeout(`the plan took more than its ${ms} ms budget`);
    },
  };
}

/** A tensor that can cost something: produced by a non-constant node or a model input. */
export interface PreparedTensor {
  name: string;
  /** Non-constant producer, or -1 for a model input (on t0). */
  producer: number;
  /** Distinct non-constant consumers, ascending. */
  consumers: Int32Array;
  bytes: number;
  /** A model output that must return to t0 (never set for model inputs: they are already there). */
  returns: boolean;
}

export interface PreparedGraph {
  graph: PlanGraph;
  n: number;
  constant: Uint8Array;
  /** Non-constant nodes pinned to tier 0. */
  pinned: Uint8Array;
  /** latencyMs[v][tier], in ms. */
  latencyMs: Float64Array[];
  tensors: PreparedTensor[];
  /** First consumer (lowest index, constants included) of any output of each node, or -1. */
  firstConsumer: Int32Array;
  /** Every non-constant node is reachable from a model input, so a node on tier h implies links 1..h are used. */
  allReachable: boolean;
  transferDtype: TransferDtype;
  inputBytes?: number;
  deadline?: PlanDeadline;
}

const isBadNumber = (x: number): boolean => typeof x !== 'number' || !Number.isFinite(x) || x < 0;

export function validateNetwork(network: PlanNetwork): void {
  const { tiers, links } = network;
  if (!Number.isInteger(tiers) || tiers < 1) throw new PlanningError(`tiers must be an integer >= 1, got ${tiers}`);
  if (links.length !== tiers - 1)
    throw new PlanningError(`${tiers} tiers need ${tiers - 1} links, got ${links.length}`);
  links.forEach((link: PlanLink, i) => {
    if (isBadNumber(link.uplinkMbps) || link.uplinkMbps === 0) throw new PlanningError(`links[${i}].uplinkMbps`);
    if (isBadNumber(link.downlinkMbps) || link.downlinkMbps === 0) throw new PlanningError(`links[${i}].downlinkMbps`);
    if (isBadNumber(link.rttMs)) throw new PlanningError(`links[${i}].rttMs`);
  });
}

export function prepare(graph: PlanGraph, options: PlanOptions = {}): PreparedGraph {
  const n = graph.nodes.length;
  const transferDtype = options.transferDtype ?? 'float32';
  const constant = new Uint8Array(n);
  const latencyMs = graph.nodes.map((node, v) => {
    constant[v] = node.isConstant ? 1 : 0;
    if (!node.isConstant && node.latencyUs.some(isBadNumber)) throw new PlanningError(`latency of node ${node.name}`);
    return Float64Array.from(node.latencyUs, (us) => us / 1000);
  });
  const pinned = new Uint8Array(n);
  for (const v of options.pinToEnd ?? []) {
    if (!Number.isInteger(v) || v < 0 || v >= n) throw new PlanningError(`pinToEnd: no node ${v}`);
    if (!constant[v]) pinned[v] = 1;
  }
  if (options.inputBytes !== undefined && isBadNumber(options.inputBytes)) throw new PlanningError('inputBytes');
  const inputs = graph.tensors.filter((t) => t.producer < 0);
  const inputElements = inputs.reduce((sum, t) => sum + t.elements, 0);
  const firstConsumer = new Int32Array(n).fill(-1);
  const reached = new Uint8Array(n);
  const tensors: PreparedTensor[] = [];
  for (const t of graph.tensors) {
    if (t.producer >= n || isBadNumber(t.elements)) throw new PlanningError(`tensor ${t.name}`);
    for (const c of t.consumers) {
      if (!Number.isInteger(c) || c <= t.producer || c >= n) throw new PlanningError(`tensor ${t.name}: bad consumer`);
      if (t.producer >= 0 && (firstConsumer[t.producer] < 0 || c < firstConsumer[t.producer])) {
        firstConsumer[t.producer] = c;
      }
    }
    if (t.producer >= 0 && constant[t.producer]) continue; // folded: moves no bytes
    const consumers = Int32Array.from(new Set(t.consumers.filter((c) => !constant[c]))).sort();
    const returns = t.isModelOutput && t.producer >= 0;
    if (consumers.length === 0 && !returns) continue;
    let bytes = wireBytes(t.elements, t.elemType, transferDtype);
    if (t.producer < 0) {
      // The model input is what the end device holds: its own type unless the caller says how big its encoding is.
      bytes = inputWireBytes(t.elements, t.elemType);
      if (options.inputBytes !== undefined) {
        bytes = options.inputBytes * (inputElements > 0 ? t.elements / inputElements : 1 / inputs.length);
      }
    }
    tensors.push({ name: t.name, producer: t.producer, consumers, bytes, returns });
  }
  // Tensors are not in topological order, so propagate reachability over nodes (producers precede consumers).
  const consumersOf: number[][] = Array.from({ length: n }, () => []);
  for (const t of tensors) {
    if (t.producer < 0) t.consumers.forEach((c) => (reached[c] = 1));
    else consumersOf[t.producer].push(...t.consumers);
  }
  let allReachable = true;
  for (let v = 0; v < n; v++) {
    if (constant[v]) continue;
    if (!reached[v]) allReachable = false;
    else for (const c of consumersOf[v]) reached[c] = 1;
  }
  const { inputBytes, deadline } = options;
  return {
    graph,
    n,
    constant,
    pinned,
    latencyMs,
    tensors,
    firstConsumer,
    allReachable,
    transferDtype,
    inputBytes,
    deadline,
  };
}

/** Puts every constant node on the tier of its first consumer (tier 0 when it has none), in place. */
export function placeConstants(pg: PreparedGraph, assignment: number[]): number[] {
  for (let v = pg.n - 1; v >= 0; v--) {
    if (pg.constant[v]) assignment[v] = pg.firstConsumer[v] >= 0 ? assignment[pg.firstConsumer[v]] : 0;
  }
  return assignment;
}

/** Uplink or downlink message cost of one link: rtt/2 once if anything crosses, plus the bytes. */
export const messageMs = (rttMs: number, bytes: number, mbps: number): number =>
  rttMs / 2 + (bytes * 8) / (mbps * 1000);

/** Prices `assignment` (tier per node; constant nodes' entries are ignored). Throws on an invalid assignment. */
export function evaluatePrepared(pg: PreparedGraph, network: PlanNetwork, assignment: readonly number[]): Evaluation {
  const T = network.tiers;
  if (assignment.length !== pg.n) throw new PlanningError(`assignment has ${assignment.length} entries, not ${pg.n}`);
  const computeMs = new Array<number>(T).fill(0);
  for (let v = 0; v < pg.n; v++) {
    if (pg.constant[v]) continue;
    const tier = assignment[v];
    if (!Number.isInteger(tier) || tier < 0 || tier >= T) throw new PlanningError(`node ${v}: tier ${tier}`);
    if (pg.pinned[v] && tier !== 0) throw new PlanningError(`node ${v} is pinned to the end device`);
    if (pg.latencyMs[v].length < T) throw new PlanningError(`node ${v} has no latency for tier ${T - 1}`);
    computeMs[tier] += pg.latencyMs[v][tier];
  }
  const upBytes = new Array<number>(T).fill(0);
  const upTensors: string[][] = Array.from({ length: T }, () => []);
  const downBytes = new Array<number>(T).fill(0);
  const downTensors: string[][] = Array.from({ length: T }, () => []);
  for (const t of pg.tensors) {
    const from = t.producer < 0 ? 0 : assignment[t.producer];
    let to = from;
    for (const c of t.consumers) {
      if (assignment[c] < from) throw new PlanningError(`data moves backwards: ${t.name} to node ${c}`);
      if (assignment[c] > to) to = assignment[c];
    }
    for (let k = from + 1; k <= to; k++) {
      upBytes[k] += t.bytes;
      upTensors[k].push(t.name);
    }
    if (!t.returns) continue;
    for (let k = 1; k <= from; k++) {
      downBytes[k] += t.bytes;
      downTensors[k].push(t.name);
    }
  }
  const transfers: LinkTransfer[] = [];
  const returns: LinkTransfer[] = [];
  for (let k = 1; k < T; k++) {
    const { rttMs, uplinkMbps, downlinkMbps } = network.links[k - 1];
    // A link is used when any tensor crosses it, even an empty one: the message still has to be sent.
    if (upTensors[k].length > 0) {
      transfers.push({
        link: k,
        bytes: upBytes[k],
        ms: messageMs(rttMs, upBytes[k], uplinkMbps),
        tensors: upTensors[k],
      });
    }
    if (downTensors[k].length > 0) {
      const ms = messageMs(rttMs, downBytes[k], downlinkMbps);
      returns.push({ link: k, bytes: downBytes[k], ms, tensors: downTensors[k] });
    }
  }
  const returnMs = returns.reduce((sum, r) => sum + r.ms, 0);
  const totalMs = computeMs.reduce((a, b) => a + b, 0) + transfers.reduce((sum, x) => sum + x.ms, 0) + returnMs;
  return { totalMs, computeMs, transfers, returns, returnMs };
}

/** The cost model on plain inputs. */
export function evaluate(
  graph: PlanGraph,
  network: PlanNetwork,
  assignment: readonly number[],
  options: PlanOptions = {},
): Evaluation {
  validateNetwork(network);
  return evaluatePrepared(prepare(graph, options), network, assignment);
}
