/**
 * Planning at the granularity the runtime runs (DESIGN.md, "What a latency means"): ONNX Runtime at `all` runs
 * kernels, groups of nodes, and a plan that cut one would run neither half as the kernel it priced. So every
 * kernel is contracted to one vertex before solving and the solvers (chain, DAG, baselines, bandwidth regions)
 * work on the contracted graph unchanged; an assignment of vertices expands back to every node.
 *
 * The contraction keeps the cost model exact: a vertex costs the sum of its nodes' latencies on each tier (a
 * kernel's whole cost sits on its main node, the rest are 0), a tensor produced and consumed inside one kernel
 * never crosses a link and is dropped, every other tensor keeps its bytes, consumers and return, and model inputs
 * are all kept so that `inputBytes` splits over them as before. Any vertex assignment therefore costs what its
 * expansion costs on the node graph.
 */
import { PlanningError } from './cost-model';
import type { PlanGraph, PlanNode, PlanTensor } from './types';

export interface ContractedGraph {
  /** One vertex per kernel with a non-constant node, in a topological order of the kernels. */
  graph: PlanGraph;
  /** Vertex → its nodes (constant members included), ascending. */
  members: number[][];
  /** Node → its vertex; -1 for a constant node outside any running kernel (placed with its first consumer). */
  vertexOf: Int32Array;
}

/**
 * Contracts `graph` by `kernelOf` (node → kernel, -1 for none). A non-constant node without a kernel (one the
 * runtime folds although the planner does not see it as constant) becomes a vertex of its own. Kernels must be
 * convex and their quotient acyclic, as a runtime's fusions are; anything else is a PlanningError naming them.
 */
export function contractKernels(
  graph: PlanGraph,
  kernelOf: readonly number[],
  kernelNames?: readonly string[],
): ContractedGraph {
  const n = graph.nodes.length;
  if (kernelOf.length !== n) throw new PlanningError(`kernelOf has ${kernelOf.length} entries, not ${n}`);
  const groupOf = new Map<string, number>();
  const groups: number[][] = [];
  const group = new Int32Array(n).fill(-1);
  for (let v = 0; v < n; v++) {
    const k = kernelOf[v];
    if (!Number.isInteger(k) || k < -1) throw new PlanningError(`kernelOf[${v}] is ${k}`);
    if (k < 0 && graph.nodes[v].isConstant) continue;
    const key = k >= 0 ? `k${k}` : `n${v}`;
    let g = groupOf.get(key);
    if (g === undefined) groupOf.set(key, (g = groups.push([]) - 1));
    groups[g].push(v);
    group[v] = g;
  }
  const runs = groups.map((nodes) => nodes.some((v) => !graph.nodes[v].isConstant));
  const predecessors: number[][] = groups.map(() => []);
  for (const t of graph.tensors) {
    if (t.producer < 0 || graph.nodes[t.producer]?.isConstant !== false) continue; // folded: orders nothing
    const from = group[t.producer];
    for (const c of t.consumers) {
      const to = group[c] ?? -1;
      if (to >= 0 && to !== from && !graph.nodes[c].isConstant) predecessors[to].push(from);
    }
  }
  const order = topologicalOrder(groups, runs, predecessors, graph);
  const vertexIndex = new Int32Array(groups.length).fill(-1);
  order.forEach((g, i) => (vertexIndex[g] = i));
  const vertexOf = Int32Array.from(group, (g) => (g >= 0 ? vertexIndex[g] : -1));
  const members = order.map((g) => groups[g]);
  const nodes: PlanNode[] = members.map((memberNodes) => {
    const running = memberNodes.filter((v) => !graph.nodes[v].isConstant);
    const latencyUs = graph.nodes[running[0]].latencyUs.map((_, j) =>
      running.reduce((sum, v) => sum + graph.nodes[v].latencyUs[j], 0),
    );
    return { name: kernelName(graph, memberNodes, kernelOf, kernelNames), latencyUs, isConstant: false };
  });
  const tensors: PlanTensor[] = [];
  for (const t of graph.tensors) {
    if (t.producer >= 0 && graph.nodes[t.producer]?.isConstant !== false) continue;
    const producer = t.producer < 0 ? -1 : vertexOf[t.producer];
    const consumers = t.consumers
      .filter((c) => graph.nodes[c] !== undefined && !graph.nodes[c].isConstant)
      .map((c) => vertexOf[c])
      .filter((c) => c !== producer);
    tensors.push({ name: t.name, producer, consumers, elements: t.elements, isModelOutput: t.isModelOutput });
  }
  return { graph: { nodes, tensors }, members, vertexOf };
}

/** The vertex's name: its kernel's when named, else its node's (alone) or `kernel <k>`. */
function kernelName(
  graph: PlanGraph,
  memberNodes: number[],
  kernelOf: readonly number[],
  kernelNames?: readonly string[],
): string {
  const k = kernelOf[memberNodes[0]];
  if (k >= 0 && kernelNames?.[k] !== undefined) return kernelNames[k];
  return memberNodes.length === 1 || k < 0 ? graph.nodes[memberNodes[0]].name : `kernel ${k}`;
}

/**
 * Running groups in a topological order of the quotient, as close to node order as it allows (each group is
 * emitted after its predecessors, groups taken by their first node), so that a grouping into singletons keeps
 * the node order. Iterative: chains of thousands of kernels do not grow the stack.
 */
function topologicalOrder(groups: number[][], runs: boolean[], predecessors: number[][], graph: PlanGraph): number[] {
  const state = new Uint8Array(groups.length); // 0 new, 1 on the stack, 2 emitted
  const order: number[] = [];
  for (let root = 0; root < groups.length; root++) {
    if (!runs[root] || state[root] === 2) continue;
    const stack: Array<[number, number]> = [[root, 0]];
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [g, next] = top;
      if (next < predecessors[g].length) {
        top[1]++;
        const p = predecessors[g][next];
        if (state[p] === 1) {
          const names = stack.slice(stack.findIndex(([s]) => s === p)).map(([s]) => graph.nodes[groups[s][0]].name);
          throw new PlanningError(
            `kernels are not convex: they depend on each other in a cycle (${names.join(' → ')})`,
          );
        }
        if (state[p] === 0) {
          state[p] = 1;
          stack.push([p, 0]);
        }
        continue;
      }
      stack.pop();
      state[g] = 2;
      order.push(g);
    }
  }
  return order;
}
