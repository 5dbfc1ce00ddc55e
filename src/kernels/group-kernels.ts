/**
 * Groups a graph's nodes into the kernels ONNX Runtime's CPU provider runs at graph optimisation `all`.
 *
 * Choices (the contract in types.ts):
 *  - Constant nodes belong to no kernel (kernelOf -1): ORT folds them.
 *  - Zero-cost nodes — Identity/Dropout (ORT deletes them), Reshape/Flatten/Squeeze/Unsqueeze (kept, but they
 *    relabel the buffer) and shape arithmetic on static shapes (folded) — are each their own kernel of class
 *    `eliminated`, EXCEPT an Identity/Dropout whose producer and every consumer sit in one kernel: it joins that
 *    kernel, which keeps the kernel convex.
 *  - A kernel's whole cost sits on `main` (the Conv, Gemm or MatMul of a fused group; the last node of a
 *    pattern such as Gelu or LayerNorm).
 *  - Every kernel is convex in the DAG; a merge that would break that is undone (its nodes stay single).
 */
import type { NodeFeatures } from '../onnx/types';
import { buildGraphView, GraphView } from './graph-view';
import { Group, Groups } from './groups';
import {
  fuseActivations,
  fuseConvConstants,
  fuseGelu,
  fuseLayerNorm,
  fuseMatMulAdd,
  fuseMatMulTransposeScale,
  fuseQuickGelu,
  fuseSkipLayerNorm,
  fuseSlicesToSplit,
  fuseTransposeReshape,
} from './fusions';
import { applyNchwc, fuseConvAddActivation, groupOrder } from './nchwc';
import { DEFAULT_NCHWC_BLOCK, GroupingOptions, Kernel, KernelGrouping } from './types';

export function groupKernels(
  nodes: NodeFeatures[],
  graph: { inputs: string[]; outputs: string[] },
  options: GroupingOptions = {},
): KernelGrouping {
  nodes.forEach((n, i) => {
    if (n.index !== i) throw new Error(`node ${n.name} has index ${n.index} at position ${i}`);
  });
  const v = buildGraphView(nodes, graph);
  const g = new Groups(v);
  fuseConvConstants(v, g);
  fuseMatMulAdd(v, g);
  fuseGelu(v, g);
  fuseLayerNorm(v, g);
  fuseActivations(v, g);
  fuseSkipLayerNorm(v, g);
  fuseQuickGelu(v, g);
  fuseMatMulTransposeScale(v, g);
  fuseSlicesToSplit(v, g);
  fuseTransposeReshape(v, g);
  repairConvexity(v, g);
  applyNchwc(v, g, options.nchwcBlockSize ?? DEFAULT_NCHWC_BLOCK);
  fuseConvAddActivation(v, g);
  absorbPassthrough(v, g);
  repairConvexity(v, g);
  return toGrouping(v, g);
}

/** An Identity/Dropout between two nodes of one kernel joins it (else the kernel would not be convex). */
function absorbPassthrough(v: GraphView, g: Groups): void {
  for (let i = v.nodes.length - 1; i >= 0; i--) {
    if (!v.passthrough[i]) continue;
    const own = g.of(i);
    const src = v.producer.get(v.inputs[i][0] ?? '');
    const out = v.nodes[i].outputs[0]?.name ?? '';
    const readers = v.readers.get(out) ?? [];
    const target = src === undefined ? undefined : g.of(src);
    if (!own || !target || readers.length === 0) continue;
    if (readers.every((k) => g.of(k) === target)) g.merge(target, own);
  }
}

/** Undo merges until the contracted graph is acyclic (every kernel convex). */
function repairConvexity(v: GraphView, g: Groups): void {
  for (let guard = 0; guard < v.nodes.length && !groupOrder(v, g); guard++) {
    const bad = g
      .list()
      .filter((x) => x.nodes.length > 1 && !isConvex(v, x))
      .sort((a, b) => b.nodes.length - a.nodes.length)[0];
    if (!bad) return;
    g.split(bad);
  }
}

/** No path leaves the group and re-enters it (checked on the original graph, passthrough nodes included). */
export function isConvex(v: GraphView, x: Group): boolean {
  const inside = new Set(x.nodes);
  const stack: number[] = [];
  const seen = new Set<number>();
  const successors = (n: number): number[] => v.nodes[n].outputs.flatMap((o) => v.readers.get(o.name) ?? []);
  for (const n of x.nodes) for (const c of successors(n)) if (!inside.has(c)) stack.push(c);
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const c of successors(n)) {
      if (inside.has(c)) return false;
      stack.push(c);
    }
  }
  return true;
}

function kernelName(v: GraphView, x: Group): string {
  if (x.nchwc && x.nchwcAnchor) return `${x.nchwcAnchor}${x.bnNchwc ? '_bn' : ''}_nchwc`;
  return x.ortName ?? v.nodes[x.main].name;
}

function toGrouping(v: GraphView, g: Groups): KernelGrouping {
  const order = groupOrder(v, g) ?? g.list().sort((a, b) => a.main - b.main);
  const kernelOf = v.nodes.map(() => -1);
  const kernels: Kernel[] = order.map((x, k) => {
    for (const n of x.nodes) kernelOf[n] = k;
    return {
      name: kernelName(v, x),
      kernelClass: x.cls,
      main: x.main,
      nodes: [...x.nodes].sort((a, b) => a - b),
      reorders: x.reorders,
      reorderBytes: x.reorderBytes,
      nchwc: !!x.nchwc,
      output: x.out,
    };
  });
  return { kernels, kernelOf };
}
