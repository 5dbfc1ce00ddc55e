/**
 * The planning problem of a model whose nodes run as kernels: the node graph (what the report lists and prices)
 * and its contraction (what the solvers see). Every plan is solved on the contracted graph and expanded back, so
 * no plan ever splits a kernel, and it is priced again on the node graph, which the contraction makes equal.
 */
import { evaluatePrepared, prepare, PreparedGraph } from './cost-model';
import { ContractedGraph, contractKernels } from './kernel-contraction';
import { solvePrepared } from './solve';
import type { AllowedTiers, PlanGraph, PlanNetwork, PlanOptions, Solution } from './types';

export interface KernelProblem {
  nodes: PreparedGraph;
  /** The contracted graph, prepared with the same options (pins moved onto their kernels). */
  kernels: PreparedGraph;
  contracted: ContractedGraph;
}

/** Every non-constant node its own kernel: planning per node, as with graph optimisation disabled. */
export const singletonKernels = (graph: PlanGraph): number[] =>
  graph.nodes.map((node, v) => (node.isConstant ? -1 : v));

export function prepareKernelProblem(
  graph: PlanGraph,
  kernelOf: readonly number[] | null,
  options: PlanOptions = {},
  kernelNames?: readonly string[],
): KernelProblem {
  const nodes = prepare(graph, options); // validates the node graph before it is contracted
  const contracted = contractKernels(graph, kernelOf ?? singletonKernels(graph), kernelNames);
  const pinToEnd = [...new Set((options.pinToEnd ?? []).map((v) => contracted.vertexOf[v]).filter((k) => k >= 0))];
  return { nodes, kernels: prepare(contracted.graph, { ...options, pinToEnd }), contracted };
}

/**
 * The tier of every node from the tier of every vertex: a kernel's nodes on its tier, a constant outside any
 * kernel on the tier of its first consumer (tier 0 when none), as the cost model places constants.
 */
export function expandAssignment(problem: KernelProblem, vertexTiers: readonly number[]): number[] {
  const { nodes: pg, contracted } = problem;
  const assignment = new Array<number>(pg.n).fill(0);
  for (let v = pg.n - 1; v >= 0; v--) {
    const vertex = contracted.vertexOf[v];
    if (vertex >= 0) assignment[v] = vertexTiers[vertex];
    else assignment[v] = pg.firstConsumer[v] >= 0 ? assignment[pg.firstConsumer[v]] : 0;
  }
  return assignment;
}

/** A solution of the contracted graph as a node-level solution, priced on the node graph. */
export function expandSolution(problem: KernelProblem, network: PlanNetwork, solution: Solution): Solution {
  const assignment = expandAssignment(problem, solution.assignment);
  return { assignment, cost: evaluatePrepared(problem.nodes, network, assignment) };
}

/** Best plan that keeps every kernel on one tier (allowed tiers only); null when pins make them infeasible. */
export function solveKernelProblem(
  problem: KernelProblem,
  network: PlanNetwork,
  allowed?: AllowedTiers,
): Solution | null {
  const solution = solvePrepared(problem.kernels, network, allowed);
  return solution && expandSolution(problem, network, solution);
}
