import type { NodeFeatures, OnnxGraph } from './types';

/**
 * A model is a chain when its non-constant nodes, in topological order, each feed only the next one: exactly
 * the edges (i, i+1). Constant nodes are folded away (DESIGN.md) and so do not break a chain.
 */
export function isChain(graph: OnnxGraph, features: NodeFeatures[]): boolean {
  const order = features.filter((f) => !f.isConstant).map((f) => f.index);
  const position = new Map(order.map((nodeIndex, i) => [nodeIndex, i]));
  for (const nodeIndex of order) {
    const from = position.get(nodeIndex)!;
    for (const output of graph.nodes[nodeIndex].outputs) {
      for (const consumer of graph.consumersOf.get(output) ?? []) {
        const to = position.get(consumer);
        if (to !== undefined && to !== from + 1) return false;
      }
    }
    if (from > 0 && !feeds(graph, order[from - 1], nodeIndex)) return false;
  }
  return true;
}

function feeds(graph: OnnxGraph, producer: number, consumer: number): boolean {
  return graph.nodes[producer].outputs.some((t) => graph.consumersOf.get(t)?.includes(consumer));
}
