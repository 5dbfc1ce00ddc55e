/**
 * Per-kernel latencies and their per-node view (pure). A response lists both: the kernels the runtime runs, and
 * every node, with a kernel's whole cost on its main node and 0 (`fused`) on the others, so that any sum over
 * nodes is a sum over kernels. With graph optimisation disabled every node runs on its own: one kernel each.
 */
import type { NodeFeatures } from '../onnx/types';

export type LatencySource = 'measured' | 'predicted' | 'constant' | 'fused';
export type KernelSource = 'measured' | 'predicted';

/** The part of a kernel grouping (src/kernels) these functions read. */
export interface KernelRef {
  name: string;
  kernelClass: string;
  main: number;
  nodes: number[];
}
export interface GroupingRef {
  kernels: KernelRef[];
  kernelOf: number[];
}

/** Every non-constant node its own kernel, named after it: what a runtime without fusions runs. */
export function nodeKernels(features: NodeFeatures[]): GroupingRef {
  const kernels: KernelRef[] = [];
  const kernelOf = features.map((f, i) =>
    f.isConstant ? -1 : kernels.push({ name: f.name, kernelClass: f.opType, main: i, nodes: [i] }) - 1,
  );
  return { kernels, kernelOf };
}

/** A kernel of nodes timed one by one: measured when every node of it was measured. */
export function kernelsFromNodes(
  grouping: GroupingRef,
  nodeUs: Float64Array,
  nodeSources: readonly LatencySource[],
): { latencyUs: Float64Array; sources: KernelSource[] } {
  const latencyUs = Float64Array.from(grouping.kernels, (k) => k.nodes.reduce((sum, v) => sum + nodeUs[v], 0));
  const sources = grouping.kernels.map((k): KernelSource =>
    k.nodes.every((v) => nodeSources[v] === 'measured' || nodeSources[v] === 'constant') ? 'measured' : 'predicted',
  );
  return { latencyUs, sources };
}

/**
 * The per-node view of kernel latencies: a kernel's cost on its main node (with the kernel's source), its other
 * nodes 0 and `fused`; the main node of a kernel ORT eliminates (class `eliminated`, 0 µs) is `fused` too;
 * constant nodes 0 and `constant`.
 */
export function nodesFromKernels(
  grouping: GroupingRef,
  kernelUs: Float64Array,
  kernelSources: readonly KernelSource[],
  features: NodeFeatures[],
): { latencyUs: Float64Array; sources: LatencySource[] } {
  const latencyUs = new Float64Array(features.length);
  const sources: LatencySource[] = features.map((f) => (f.isConstant ? 'constant' : 'fused'));
  grouping.kernels.forEach((k, i) => {
    latencyUs[k.main] = kernelUs[i];
    if (k.kernelClass !== 'eliminated') sources[k.main] = kernelSources[i];
  });
  return { latencyUs, sources };
}

/** Measured kernels win over predicted ones (by the kernel's name, as ORT's optimised graph gives it). */
export function withMeasuredKernels(
  grouping: GroupingRef,
  predictedUs: Float64Array,
  measured: ReadonlyMap<string, number>,
): { latencyUs: Float64Array; sources: KernelSource[] } {
  const latencyUs = Float64Array.from(predictedUs);
  const sources = grouping.kernels.map((k, i): KernelSource => {
    const us = measured.get(k.name);
    if (us === undefined) return 'predicted';
    latencyUs[i] = us;
    return 'measured';
  });
  return { latencyUs, sources };
}
