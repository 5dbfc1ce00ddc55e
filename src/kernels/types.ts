/**
 * Kernels: the groups of ONNX nodes that ONNX Runtime's CPU provider runs as one at graph optimisation `all`
 * (DESIGN.md, "What a latency means"). Pure: imports only the ONNX pipeline's types.
 */
export type GraphOptimization = 'all' | 'disabled';

/**
 * Kernel classes. `eliminated` kernels cost nothing: Identity/Dropout (removed by ORT), Reshape/Flatten/Squeeze/
 * Unsqueeze (kept by ORT but they only relabel the buffer), and shape arithmetic ORT folds because the shapes are
 * static (Shape of a fully known tensor, and what is computed from it).
 */
export type KernelClass =
  | 'conv'
  | 'conv-add'
  | 'gemm'
  | 'matmul'
  | 'pool'
  | 'layernorm'
  | 'gelu'
  | 'quickgelu'
  | 'hardswish'
  | 'activation'
  | 'elementwise'
  | 'softmax'
  | 'reduce'
  | 'norm'
  | 'data'
  | 'eliminated'
  | 'other';

export interface Kernel {
  /** As ORT's optimised graph names the fused node (its profile events are `<name>_kernel_time`). */
  name: string;
  kernelClass: KernelClass;
  /** Node index (NodeFeatures.index) that carries the kernel's whole cost. */
  main: number;
  /** Every node index of the kernel, ascending (topological) order, main included. */
  nodes: number[];
  /** NCHWc <-> NCHW layout reorders ORT inserts at this kernel's boundaries (ReorderInput before, ReorderOutput after). */
  reorders: number;
  /** Bytes those reorders move (each reorder reads and writes its tensor once; counted once here). */
  reorderBytes: number;
  /** True when ORT runs the kernel in the blocked NCHWc layout. */
  nchwc: boolean;
  /** The tensor the kernel's last node writes (for matching traces whose node names ORT generated). */
  output: string;
}

export interface KernelGrouping {
  /** Topological order. */
  kernels: Kernel[];
  /** Node index -> kernel index; -1 only for constant nodes (NodeFeatures.isConstant). */
  kernelOf: number[];
}

export interface GroupingOptions {
  /**
   * MLAS's NCHWc block: 16 on AVX-512 hosts (the reference Xeon), 8 on AVX2, 1 (no NCHWc layout at all) on
   * anything else. Decides which convolutions and pools ORT moves to NCHWc, and so where reorders sit.
   */
  nchwcBlockSize?: number;
}

export const DEFAULT_NCHWC_BLOCK = 16;
