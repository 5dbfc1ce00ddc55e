/**
 * Which runtime a platform's latencies describe (DESIGN.md, "What a latency means"). ONNX Runtime has graph
 * optimisation modes: `all`, its default, runs kernels (fused groups of nodes); `disabled`, the profiling mode,
 * runs every node on its own. PyTorch eager and other runtimes are described as they run, with no modes.
 */
export const RUNTIMES = ['onnxruntime', 'pytorch-eager', 'other'] as const;
export type Runtime = (typeof RUNTIMES)[number];

export const GRAPH_OPTIMIZATIONS = ['all', 'disabled'] as const;
export type GraphOptimization = (typeof GRAPH_OPTIMIZATIONS)[number];

export const runtimeHasModes = (runtime: string): boolean => runtime === 'onnxruntime';

/** A new platform's default: kernels are modelled for ONNX Runtime's CPU provider only, so other kinds start per node. */
export function defaultGraphOptimizationFor(runtime: string, kind: string): GraphOptimization | null {
  if (!runtimeHasModes(runtime)) return null;
  return kind === 'cpu' ? 'all' : 'disabled';
}
