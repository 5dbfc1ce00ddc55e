/**
 * Seeded random graphs and networks for the property tests and the solver bench, and the exhaustive reference
 * search the solvers are checked against. Not used by the service.
 */
import { evaluatePrepared, placeConstants, PreparedGraph } from '../../src/planning/cost-model';
import { AllowedTiers, PlanGraph, PlanNetwork, PlanTensor, Solution } from '../../src/planning/types';

const logUniform = (r: () => number, lo: number, hi: number): number => lo * Math.pow(hi / lo, r());
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

export function randomNetwork(r: () => number, tiers: number): PlanNetwork {
  const links = Array.from({ length: tiers - 1 }, () => ({
    uplinkMbps: logUniform(r, 1, 2000),
    downlinkMbps: logUniform(r, 0.5, 1000),
    rttMs: r() < 0.4 ? 0 : r() * (r() < 0.5 ? 2 : 40),
  }));
  return { tiers, links };
}

/** Latencies per tier: independent (nodes disagree on the best tier), or a base sped up by a factor per tier. */
function latencies(r: () => number, tiers: number): number[] {
  if (r() < 0.5) return Array.from({ length: tiers }, () => logUniform(r, 10, 20000));
  const base = logUniform(r, 10, 50000);
  return Array.from({ length: tiers }, (_, j) => (j === 0 ? base : base * logUniform(r, 0.02, 2)));
}

/** A random DAG: some constants, multi-consumer tensors, several outputs, and now and then a node without inputs. */
export function randomDag(r: () => number, n: number, tiers: number): PlanGraph {
  const tensors: PlanTensor[] = [
    { name: 'x', producer: -1, consumers: [], elements: Math.floor(r() * 5000), isModelOutput: false },
  ];
  if (r() < 0.2)
    tensors.push({ name: 'x2', producer: -1, consumers: [], elements: Math.floor(r() * 5000), isModelOutput: false });
  const nodes = [];
  const fromConstant: boolean[] = tensors.map(() => false);
  for (let v = 0; v < n; v++) {
    const isConstant = r() < 0.15;
    const candidates = tensors.map((_, i) => i).filter((i) => !isConstant || fromConstant[i]);
    const inputs = isConstant ? (r() < 0.3 ? 1 : 0) : r() < 0.05 ? 0 : 1 + Math.floor(r() * 3);
    for (let i = 0; i < inputs && candidates.length > 0; i++) tensors[pick(r, candidates)].consumers.push(v);
    nodes.push({ name: `n${v}`, latencyUs: latencies(r, tiers), isConstant });
    for (let o = r() < 0.15 ? 2 : 1; o > 0; o--) {
      const elements = r() < 0.05 ? 0 : Math.floor(logUniform(r, 1, 5e4));
      tensors.push({ name: `t${tensors.length}`, producer: v, consumers: [], elements, isModelOutput: r() < 0.1 });
      fromConstant.push(isConstant);
    }
  }
  for (const t of tensors) if (t.producer >= 0 && t.consumers.length === 0 && r() < 0.7) t.isModelOutput = true;
  return { nodes, tensors };
}

/** A chain of n nodes, with a constant feeding a node now and then and sometimes an intermediate output. */
export function randomChain(r: () => number, n: number, tiers: number): PlanGraph {
  const nodes = [];
  const tensors: PlanTensor[] = [];
  let last: PlanTensor = {
    name: 'x',
    producer: -1,
    consumers: [],
    elements: Math.floor(logUniform(r, 1, 5e4)),
    isModelOutput: false,
  };
  tensors.push(last);
  for (let v = 0; v < n; v++) {
    if (v + 1 < n && r() < 0.15) {
      nodes.push({ name: `c${v}`, latencyUs: latencies(r, tiers), isConstant: true });
      tensors.push({ name: `w${v}`, producer: v, consumers: [v + 1], elements: 100, isModelOutput: false });
      v++;
    }
    last.consumers.push(v);
    nodes.push({ name: `n${v}`, latencyUs: latencies(r, tiers), isConstant: false });
    last = {
      name: `t${v}`,
      producer: v,
      consumers: [],
      elements: Math.floor(logUniform(r, 1, 5e4)),
      isModelOutput: false,
    };
    last.isModelOutput = v === n - 1 || r() < 0.05;
    tensors.push(last);
  }
  return { nodes, tensors };
}

/**
 * A layered DAG like the bench's: layers of about `width` nodes, each taking 1–3 inputs from the two layers before
 * it; tier 0 slowest. A head node reads what nothing else reads and gives the one small output.
 */
export function layeredDag(r: () => number, n: number, width = 4): PlanGraph {
  const tensors: PlanTensor[] = [{ name: 'x', producer: -1, consumers: [], elements: 150528, isModelOutput: false }];
  const nodes = [];
  let prev: number[] = [0];
  let prev2: number[] = [];
  for (let v = 0; v < n - 1;) {
    const layer: number[] = [];
    for (let i = 0; i < width && v < n - 1; i++, v++) {
      const pool = [...prev, ...prev2];
      const inputs = new Set([pick(r, prev)]);
      for (let k = Math.floor(r() * 3); k > 0; k--) inputs.add(pick(r, pool));
      inputs.forEach((t) => tensors[t].consumers.push(v));
      const base = logUniform(r, 50, 5000);
      nodes.push({
        name: `n${v}`,
        latencyUs: [base, base * logUniform(r, 0.05, 0.3), base * logUniform(r, 0.01, 0.2)],
        isConstant: false,
      });
      layer.push(
        tensors.push({
          name: `t${v}`,
          producer: v,
          consumers: [],
          elements: Math.floor(logUniform(r, 1e3, 3e5)),
          isModelOutput: false,
        }) - 1,
      );
    }
    prev2 = prev;
    prev = layer;
  }
  // A head (classifier-like) reads every tensor nobody else reads, so the output is small as in real models.
  const head = nodes.length;
  for (const t of tensors) if (t.consumers.length === 0) t.consumers.push(head);
  nodes.push({ name: 'head', latencyUs: [100, 20, 10], isConstant: false });
  tensors.push({ name: 'y', producer: head, consumers: [], elements: 1000, isModelOutput: true });
  return { nodes, tensors };
}

/**
 * A random grouping of a graph's nodes into kernels (node → kernel, -1 for none), as a runtime's fusions are:
 * groups merged along random edges and now and then two unrelated groups, each merge kept only when the quotient
 * stays acyclic (which makes every group convex). Constant nodes and, now and then, another node get no kernel.
 */
export function randomKernels(r: () => number, graph: PlanGraph, attempts: number): number[] {
  const n = graph.nodes.length;
  const kernelOf = graph.nodes.map((node, v) => (node.isConstant || r() < 0.1 ? -1 : v));
  const edges: Array<[number, number]> = [];
  for (const t of graph.tensors) for (const c of t.consumers) if (t.producer >= 0) edges.push([t.producer, c]);
  const grouped = kernelOf.map((k, v) => (k >= 0 ? v : -1)).filter((v) => v >= 0);
  for (let i = 0; i < attempts && grouped.length > 1; i++) {
    const [u, v] = r() < 0.7 && edges.length > 0 ? pick(r, edges) : [pick(r, grouped), pick(r, grouped)];
    const [a, b] = [kernelOf[u], kernelOf[v]];
    if (a < 0 || b < 0 || a === b) continue;
    const merged = kernelOf.map((k) => (k === b ? a : k));
    if (quotientIsAcyclic(n, edges, merged)) merged.forEach((k, w) => (kernelOf[w] = k));
  }
  return kernelOf;
}

function quotientIsAcyclic(n: number, edges: Array<[number, number]>, kernelOf: number[]): boolean {
  const vertex = (v: number): number => (kernelOf[v] >= 0 ? kernelOf[v] : n + v);
  const successors = new Map<number, Set<number>>();
  const indegree = new Map<number, number>();
  for (let v = 0; v < n; v++) indegree.set(vertex(v), 0);
  for (const [u, v] of edges) {
    const [a, b] = [vertex(u), vertex(v)];
    if (a === b) continue;
    const out = successors.get(a) ?? new Set<number>();
    if (!out.has(b)) indegree.set(b, indegree.get(b)! + 1);
    successors.set(a, out.add(b));
  }
  const ready = [...indegree].filter(([, d]) => d === 0).map(([x]) => x);
  let seen = 0;
  while (ready.length > 0) {
    const x = ready.pop()!;
    seen++;
    for (const y of successors.get(x) ?? []) {
      indegree.set(y, indegree.get(y)! - 1);
      if (indegree.get(y) === 0) ready.push(y);
    }
  }
  return seen === indegree.size;
}

/**
 * Every monotone assignment (pins and allowed tiers respected), priced by the cost model; the cheapest. With
 * `kernelOf`, only assignments that put every kernel's nodes on one tier: the first node of a kernel chooses its
 * tier and the others follow it.
 */
export function exhaustive(
  pg: PreparedGraph,
  network: PlanNetwork,
  allowed?: AllowedTiers,
  kernelOf?: readonly number[],
): Solution | null {
  const T = network.tiers;
  const preds: number[][] = Array.from({ length: pg.n }, () => []);
  for (const t of pg.tensors) if (t.producer >= 0) for (const c of t.consumers) preds[c].push(t.producer);
  const assignment = new Array<number>(pg.n).fill(0);
  const kernelTier = new Map<number, number>();
  let best: Solution | null = null;
  const visit = (v: number): void => {
    if (v === pg.n) {
      const cost = evaluatePrepared(pg, network, placeConstants(pg, assignment));
      if (!best || cost.totalMs < best.cost.totalMs) best = { assignment: [...assignment], cost };
      return;
    }
    if (pg.constant[v]) return visit(v + 1);
    const low = preds[v].reduce((m, p) => Math.max(m, assignment[p]), 0);
    const kernel = kernelOf?.[v] ?? -1;
    const forced = kernel >= 0 ? kernelTier.get(kernel) : undefined;
    for (let j = low; j < (pg.pinned[v] ? 1 : T); j++) {
      if ((allowed && !allowed[j]) || (forced !== undefined && j !== forced)) continue;
      assignment[v] = j;
      if (kernel >= 0 && forced === undefined) kernelTier.set(kernel, j);
      visit(v + 1);
    }
    if (kernel >= 0 && forced === undefined) kernelTier.delete(kernel);
  };
  visit(0);
  return best;
}
