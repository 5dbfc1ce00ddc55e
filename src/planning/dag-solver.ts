/**
 * Exact optimum for any DAG by minimum s–t cut (DESIGN.md, "Cost model"). Monotone multi-label construction
 * (Ishikawa): x_k(v) = [tier(v) >= k] for k = 1..K, a node is on the sink side when x = 1. Compute costs sit on
 * each node's chain of variables; x_{k+1} <= x_k and x_k(u) <= x_k(v) on every edge u→v are infinite arcs; a
 * tensor pays its bytes on link k when its producer is below k and some consumer is at or above k, through one
 * auxiliary node per multi-consumer tensor (DADS), so it pays once whatever its number of consumers. The return of
 * the outputs over link k pays rtt/2 once through one auxiliary node that is 1 when any output producer is >= k.
 *
 * The uplink rtt/2 of a link is "pay once if anything crosses", which a cut cannot express; it is fixed per solve:
 * - every node reachable from the model input (the usual case): a node on tier h means data crossed links 1..h,
 *   so solve once per highest tier h, restricted to tiers <= h and charging rtt/2 for links 1..h;
 * - otherwise: solve once per subset U of links, crossing links outside U forbidden and rtt/2 charged for U.
 * Each solve's charge is an upper bound of the true cost of its plan and is exact for the optimum's own h (or U),
 * so the best plan over all solves, priced by the cost model, is the optimum.
 */
import { evaluatePrepared, placeConstants, PlanningTimeout, PreparedGraph } from './cost-model';
import { FlowNetwork } from './max-flow';
import { AllowedTiers, PlanNetwork, Solution } from './types';

const INF = Infinity;
const flow = new FlowNetwork();

interface Candidate {
  /** Number of binary layers: tiers 0..K are representable. */
  layers: number;
  /** Per link k (index k): true = priced, false = must not be crossed. */
  priced: boolean[];
  fixedMs: number;
}

/** Best plan on the allowed tiers (all by default), or null when pins make them infeasible. */
export function solveDag(pg: PreparedGraph, network: PlanNetwork, allowed?: AllowedTiers): Solution | null {
  const T = network.tiers;
  const ok = Array.from({ length: T }, (_, j) => allowed?.[j] ?? true);
  if (!ok[0] && pg.pinned.some((p) => p === 1)) return null;
  const top = ok.lastIndexOf(true);
  if (top < 0) return null;
  const halfRtt = (k: number): number => network.links[k - 1].rttMs / 2;
  const candidates: Candidate[] = [];
  if (pg.allReachable) {
    // Only tiers that may be the highest one used: a plan topping out on a forbidden h is found with a lower h.
    for (let h = 0; h <= top; h++) {
      if (!ok[h]) continue;
      let fixedMs = 0;
      for (let k = 1; k <= h; k++) fixedMs += halfRtt(k);
      candidates.push({ layers: h, priced: new Array<boolean>(h + 1).fill(true), fixedMs });
    }
  } else {
    for (let mask = 0; mask < 1 << top; mask++) {
      const priced = [false];
      let fixedMs = 0;
      for (let k = 1; k <= top; k++) {
        priced.push((mask & (1 << (k - 1))) !== 0);
        if (priced[k]) fixedMs += halfRtt(k);
      }
      candidates.push({ layers: top, priced, fixedMs });
    }
  }
  let best: Solution | null = null;
  for (const candidate of candidates) {
    pg.deadline?.check();
    if (best && lowerBound(pg, ok, candidate) >= best.cost.totalMs) continue;
    const assignment = solveCandidate(pg, network, ok, candidate);
    if (!assignment) continue;
    const cost = evaluatePrepared(pg, network, placeConstants(pg, assignment));
    if (!best || cost.totalMs < best.cost.totalMs) best = { assignment, cost };
  }
  return best;
}

/** Fixed rtt plus the cheapest allowed tier of every node: no plan of this candidate costs less. */
function lowerBound(pg: PreparedGraph, ok: boolean[], { layers, fixedMs }: Candidate): number {
  let bound = fixedMs;
  for (let v = 0; v < pg.n; v++) {
    if (pg.constant[v]) continue;
    let m = INF;
    for (let j = pg.pinned[v] ? 0 : layers; j >= 0; j--) if (ok[j] && pg.latencyMs[v][j] < m) m = pg.latencyMs[v][j];
    bound += m;
  }
  return bound;
}

interface Shape {
  /** Index of each non-constant node among them (-1 for constants), and their number. */
  compact: Int32Array;
  m: number;
  /** Tensors with several consumers (one auxiliary node per layer each). */
  multi: number;
  /** Distinct producers of returning outputs. */
  returners: number[];
}

const shapes = new WeakMap<PreparedGraph, Shape>();

/** Per-graph facts every solve needs: computed once, since regions and baselines solve the same graph often. */
function shapeOf(pg: PreparedGraph): Shape {
  let shape = shapes.get(pg);
  if (!shape) {
    const compact = new Int32Array(pg.n).fill(-1);
    let m = 0;
    for (let v = 0; v < pg.n; v++) if (!pg.constant[v]) compact[v] = m++;
    const multi = pg.tensors.filter((t) => t.consumers.length > 1).length;
    const returners = [...new Set(pg.tensors.filter((t) => t.returns).map((t) => t.producer))];
    shape = { compact, m, multi, returners };
    shapes.set(pg, shape);
  }
  return shape;
}

/** One minimum cut; the tier of every non-constant node, or null when the candidate has no finite plan. */
function solveCandidate(pg: PreparedGraph, network: PlanNetwork, ok: boolean[], c: Candidate): number[] | null {
  const K = c.layers;
  const assignment = new Array<number>(pg.n).fill(0);
  if (K === 0) return assignment;
  const { compact, m, multi, returners } = shapeOf(pg);
  const nodeCount = 2 + m * K + multi * K + (returners.length > 1 ? K : 0);
  const x = (v: number, k: number): number => 2 + compact[v] * K + k - 1;
  const src = new Float64Array(nodeCount);
  const sink = new Float64Array(nodeCount);
  flow.reset(nodeCount);

  const cost = new Float64Array(K + 1);
  for (let v = 0; v < pg.n; v++) {
    if (pg.constant[v]) continue;
    let min = INF;
    for (let j = 0; j <= K; j++) {
      cost[j] = ok[j] && (j === 0 || !pg.pinned[v]) ? pg.latencyMs[v][j] : INF;
      if (cost[j] < min) min = cost[j];
    }
    // Only differences between tiers matter to the cut; the common part is priced by the cost model afterwards.
    src[x(v, K)] += cost[K] - min;
    sink[x(v, 1)] += cost[0] - min;
    for (let k = 1; k < K; k++) flow.addArc(x(v, k + 1), x(v, k), cost[k] - min, INF);
  }

  let aux = 2 + m * K;
  for (let k = 1; k <= K; k++) {
    const { uplinkMbps, downlinkMbps, rttMs } = network.links[k - 1];
    for (const t of pg.tensors) {
      const cs = t.consumers;
      if (cs.length === 0) continue;
      const w = c.priced[k] ? (t.bytes * 8) / (uplinkMbps * 1000) : INF;
      const p = t.producer;
      if (cs.length === 1) {
        if (p >= 0) flow.addArc(x(p, k), x(cs[0], k), w, INF);
        else src[x(cs[0], k)] += w;
        continue;
      }
      const y = aux++;
      for (const consumer of cs) {
        flow.addArc(y, x(consumer, k), INF, 0); // y >= x_k(consumer): y is "some consumer is at or above k"
        if (p >= 0) flow.addArc(x(consumer, k), x(p, k), INF, 0);
      }
      if (p >= 0) flow.addArc(x(p, k), y, w, 0);
      else src[y] += w;
    }
    for (const t of pg.tensors) if (t.returns) src[x(t.producer, k)] += (t.bytes * 8) / (downlinkMbps * 1000);
    if (returners.length === 1) src[x(returners[0], k)] += rttMs / 2;
    else if (returners.length > 1) {
      const z = aux++;
      for (const p of returners) flow.addArc(z, x(p, k), INF, 0);
      src[z] += rttMs / 2;
    }
  }

  for (let id = 2; id < nodeCount; id++) {
    const common = Math.min(src[id], sink[id]);
    if (common === INF) return null;
    flow.addArc(0, id, src[id] - common);
    flow.addArc(id, 1, sink[id] - common);
  }
  try {
    flow.maxFlow(0, 1, pg.deadline && (() => pg.deadline!.check()));
  } catch (e) {
    if (e instanceof PlanningTimeout) throw e;
    return null; // only infinite cuts: this candidate's constraints admit no plan
  }
  const sourceSide = flow.sourceSide();
  for (let v = 0; v < pg.n; v++) {
    if (pg.constant[v]) continue;
    let tier = 0;
    for (let k = 1; k <= K; k++) if (!sourceSide[x(v, k)]) tier++;
    assignment[v] = tier;
  }
  return assignment;
}
