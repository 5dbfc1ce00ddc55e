/**
 * Exact optimum for chains (every non-constant node feeds only the next one), the shape of VGG/AlexNet-like
 * models and the seed paper's setting. A monotone plan on a chain is a tuple of cuts c_1 <= … <= c_{T-1}
 * (positions 0..m; nodes before c_1 on t0, from c_k on at tier >= k). With prefix sums P_j of latencies the total
 * is P_{T-1}[m] + Σ_k g_k(c_k), g_k(c) = P_{k-1}[c] − P_k[c] + uplink_k(c) + return_k(c), so a running minimum
 * over the cut tuples finds the best of all of them in O(T·m) — the same optimum as enumerating every cut pair.
 */
import { evaluatePrepared, messageMs, placeConstants, PreparedGraph } from './cost-model';
import { AllowedTiers, PlanNetwork, Solution } from './types';

export interface Chain {
  /** Non-constant nodes in order. */
  order: Int32Array;
  /** Per boundary position c (0..m): bytes and number of tensors from position c-1 (or the input) into c. */
  crossBytes: Float64Array;
  crossCount: Int32Array;
  /** Per position c: bytes and number of returning outputs produced at positions >= c. */
  returnBytes: Float64Array;
  returnCount: Int32Array;
  /** Smallest allowed c_1: every pinned node stays before the first cut. */
  minFirstCut: number;
}

const chains = new WeakMap<PreparedGraph, Chain | null>();

/** The chain view of a graph, or null when some tensor skips a node or fans out. Cached per prepared graph. */
export function asChain(pg: PreparedGraph): Chain | null {
  const cached = chains.get(pg);
  if (cached !== undefined) return cached;
  const pos = new Int32Array(pg.n).fill(-1);
  const order: number[] = [];
  for (let v = 0; v < pg.n; v++) if (!pg.constant[v]) pos[v] = order.push(v) - 1;
  const m = order.length;
  const crossBytes = new Float64Array(m + 1);
  const crossCount = new Int32Array(m + 1);
  const returnBytes = new Float64Array(m + 1);
  const returnCount = new Int32Array(m + 1);
  let chain: Chain | null = null;
  let isChain = true;
  // Every node after the first must read its predecessor: a node fed by nothing could sit on any tier.
  const fedByPrevious = new Uint8Array(m);
  for (const t of pg.tensors) {
    const from = t.producer < 0 ? -1 : pos[t.producer];
    if (t.consumers.length > 1 || (t.consumers.length === 1 && pos[t.consumers[0]] !== from + 1)) isChain = false;
    if (t.consumers.length === 1) {
      crossBytes[from + 1] += t.bytes;
      crossCount[from + 1]++;
      if (from >= 0) fedByPrevious[from + 1] = 1;
    }
    if (t.returns) {
      returnBytes[from] += t.bytes;
      returnCount[from]++;
    }
  }
  for (let c = 1; c < m; c++) if (!fedByPrevious[c]) isChain = false;
  if (isChain) {
    for (let c = m - 1; c >= 0; c--) {
      returnBytes[c] += returnBytes[c + 1];
      returnCount[c] += returnCount[c + 1];
    }
    let minFirstCut = 0;
    for (let i = 0; i < m; i++) if (pg.pinned[order[i]]) minFirstCut = i + 1;
    chain = { order: Int32Array.from(order), crossBytes, crossCount, returnBytes, returnCount, minFirstCut };
  }
  chains.set(pg, chain);
  return chain;
}

/** Best plan of a chain on the allowed tiers (all by default), or null when pins make them infeasible. */
export function solveChain(pg: PreparedGraph, network: PlanNetwork, allowed?: AllowedTiers): Solution | null {
  const chain = asChain(pg);
  if (!chain) throw new Error('solveChain: the graph is not a chain');
  const T = network.tiers;
  const m = chain.order.length;
  const ok = (j: number): boolean => allowed?.[j] ?? true;
  if (T === 1 && !ok(0)) return null;
  // prefix[j][c]: latency of positions < c on tier j.
  const prefix = Array.from({ length: T }, (_, j) => {
    const p = new Float64Array(m + 1);
    for (let i = 0; i < m; i++) p[i + 1] = p[i] + pg.latencyMs[chain.order[i]][j];
    return p;
  });
  // best[k][c]: cheapest Σ_{i<=k} g_i with c_k = c; from[k][c]: the c_{k-1} it came from.
  const best = [new Float64Array(m + 1).fill(Infinity)];
  best[0][0] = 0;
  const from: Int32Array[] = [new Int32Array(m + 1)];
  for (let k = 1; k < T; k++) {
    const { uplinkMbps, downlinkMbps, rttMs } = network.links[k - 1];
    const row = new Float64Array(m + 1);
    const arg = new Int32Array(m + 1);
    let runMin = Infinity;
    let runArg = 0;
    for (let c = 0; c <= m; c++) {
      // An empty tier k-1 pins c_k to c_{k-1}; otherwise c_k may take any c_{k-1} <= c.
      if (best[k - 1][c] < runMin) {
        runMin = best[k - 1][c];
        runArg = c;
      }
      const prev = ok(k - 1) ? runMin : best[k - 1][c];
      const prevArg = ok(k - 1) ? runArg : c;
      const up = c < m && chain.crossCount[c] > 0 ? messageMs(rttMs, chain.crossBytes[c], uplinkMbps) : 0;
      const back = chain.returnCount[c] > 0 ? messageMs(rttMs, chain.returnBytes[c], downlinkMbps) : 0;
      const g = prefix[k - 1][c] - prefix[k][c] + up + back;
      row[c] = k === 1 && c < chain.minFirstCut ? Infinity : prev + g;
      arg[c] = prevArg;
    }
    best.push(row);
    from.push(arg);
  }
  // The last cut: any position if tier T-1 may hold nodes, else m (tier T-1 empty).
  let cut = m;
  if (ok(T - 1)) for (let c = 0; c <= m; c++) if (best[T - 1][c] < best[T - 1][cut]) cut = c;
  if (T > 1 && best[T - 1][cut] === Infinity) return null;
  const cuts = new Array<number>(T + 1);
  cuts[0] = 0;
  cuts[T] = m;
  for (let k = T - 1; k >= 1; k--) {
    cuts[k] = cut;
    cut = from[k][cut];
  }
  const assignment = new Array<number>(pg.n).fill(0);
  for (let j = 0; j < T; j++) for (let i = cuts[j]; i < cuts[j + 1]; i++) assignment[chain.order[i]] = j;
  return { assignment, cost: evaluatePrepared(pg, network, placeConstants(pg, assignment)) };
}
