/**
 * Mutable node groups while the fusion rules run: each non-constant node starts alone and rules merge groups.
 */
import type { NodeFeatures } from '../onnx/types';
import type { KernelClass } from './types';
import { GraphView, METADATA_OPS, outputOf } from './graph-view';

export interface Group {
  id: number;
  nodes: number[];
  cls: KernelClass;
  main: number;
  /** The tensor downstream nodes read (the last fused node's output). */
  out: string;
  /** Name ORT gives the fused node when it is not the main node's name. */
  ortName?: string;
  activation?: string;
  sum?: boolean;
  nchwc?: boolean;
  /** Output tensor when the NCHWc transformer took the group (ORT names the node `<it>_nchwc`). */
  nchwcAnchor?: string;
  bnNchwc?: boolean;
  reorders: number;
  reorderBytes: number;
}

const CLASS_BY_OP: Record<string, KernelClass> = {
  Conv: 'conv',
  ConvTranspose: 'conv',
  Gemm: 'gemm',
  MatMul: 'matmul',
  MaxPool: 'pool',
  AveragePool: 'pool',
  LpPool: 'pool',
  GlobalAveragePool: 'pool',
  GlobalMaxPool: 'pool',
  LayerNormalization: 'layernorm',
  BatchNormalization: 'norm',
  InstanceNormalization: 'norm',
  GroupNormalization: 'norm',
  LRN: 'norm',
  Gelu: 'gelu',
  HardSwish: 'hardswish',
  Softmax: 'softmax',
  LogSoftmax: 'softmax',
};
export const ACTIVATIONS = new Set([
  'Relu',
  'Sigmoid',
  'Tanh',
  'Clip',
  'LeakyRelu',
  'HardSigmoid',
  'Elu',
  'Selu',
  'Softplus',
  'PRelu',
  'ThresholdedRelu',
]);
const ELEMENTWISE = new Set([
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Pow',
  'Sqrt',
  'Erf',
  'Exp',
  'Log',
  'Neg',
  'Abs',
  'Sum',
  'Max',
  'Min',
  'Mean',
  'Where',
  'Equal',
  'Greater',
  'Less',
  'Not',
  'And',
  'Or',
  'Reciprocal',
  'Floor',
  'Ceil',
  'Round',
  'Sin',
  'Cos',
]);

export function classOf(n: NodeFeatures, zeroCost: boolean): KernelClass {
  if (zeroCost || METADATA_OPS.has(n.opType)) return 'eliminated';
  if (CLASS_BY_OP[n.opType]) return CLASS_BY_OP[n.opType];
  if (ACTIVATIONS.has(n.opType)) return 'activation';
  if (ELEMENTWISE.has(n.opType)) return 'elementwise';
  if (/^Reduce|^Arg(Max|Min)$/.test(n.opType)) return 'reduce';
  if (n.macs === 0 || n.opType === 'Resize' || n.opType === 'Upsample') return 'data';
  return 'other';
}

export class Groups {
  readonly groupOf: number[];
  readonly byId = new Map<number, Group>();

  constructor(readonly v: GraphView) {
    this.groupOf = v.nodes.map(() => -1);
    v.nodes.forEach((n, i) => {
      if (n.isConstant) return;
      this.groupOf[i] = i;
      const zeroCost = v.folded[i] || v.passthrough[i];
      this.byId.set(i, {
        id: i,
        nodes: [i],
        cls: classOf(n, zeroCost),
        main: i,
        out: outputOf(v, i),
        reorders: 0,
        reorderBytes: 0,
      });
    });
  }

  of(node: number): Group | undefined {
    const id = this.groupOf[node];
    return id < 0 ? undefined : this.byId.get(id);
  }

  /** Is the node alone in its group and not zero-cost (so a rule may still take it)? */
  free(node: number | undefined): node is number {
    if (node === undefined) return false;
    const g = this.of(node);
    return !!g && g.nodes.length === 1 && g.cls !== 'eliminated';
  }

  /** Moves every node of `from` into `into`; `into` keeps its identity, main and class unless changed after. */
  merge(into: Group, from: Group): Group {
    if (into === from) return into;
    for (const n of from.nodes) this.groupOf[n] = into.id;
    into.nodes.push(...from.nodes);
    into.nodes.sort((a, b) => a - b);
    into.reorders += from.reorders;
    into.reorderBytes += from.reorderBytes;
    this.byId.delete(from.id);
    return into;
  }

  /** Merges the given nodes' groups into the group of `main`. */
  fuse(main: number, others: number[], cls: KernelClass, out: string, ortName?: string): Group {
    const into = this.of(main)!;
    for (const o of others) {
      const g = this.of(o);
      if (g) this.merge(into, g);
    }
    into.cls = cls;
    into.main = main;
    into.out = out;
    if (ortName !== undefined) into.ortName = ortName;
    return into;
  }

  /** Split a group back into single nodes (used when a merge would break convexity). */
  split(g: Group): void {
    this.byId.delete(g.id);
    for (const n of g.nodes) {
      const node = this.v.nodes[n];
      this.groupOf[n] = n;
      const zeroCost = this.v.folded[n] || this.v.passthrough[n];
      this.byId.set(n, {
        id: n,
        nodes: [n],
        cls: classOf(node, zeroCost),
        main: n,
        out: outputOf(this.v, n),
        reorders: 0,
        reorderBytes: 0,
      });
    }
  }

  list(): Group[] {
    return [...this.byId.values()];
  }
}
