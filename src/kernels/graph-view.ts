/**
 * The graph as ORT's fusions see it: constants known, Identity and Dropout bypassed (ORT removes them before it
 * fuses, so Conv → Identity → Relu fuses like Conv → Relu), shape arithmetic on static shapes folded.
 */
import type { Dim, NodeFeatures } from '../onnx/types';

/** Ops ORT deletes outright (identity_elimination, dropout_elimination): their consumers read their input. */
export const PASSTHROUGH_OPS = new Set(['Identity', 'Dropout']);
/** Ops ORT keeps but that only relabel a buffer (no copy): zero cost. */
export const METADATA_OPS = new Set(['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze']);

export interface GraphView {
  nodes: NodeFeatures[];
  /** tensor -> producing node */
  producer: Map<string, number>;
  /** tensor -> consuming nodes, one entry per input slot, with passthrough nodes bypassed */
  consumers: Map<string, number[]>;
  /** tensor -> non-constant nodes reading it in the original graph (no bypass): for order and convexity */
  readers: Map<string, number[]>;
  /** node -> its inputs with passthrough nodes bypassed ('' kept for omitted inputs) */
  inputs: string[][];
  graphOutputs: Set<string>;
  /** Tensors known before run time: initializers, constant-node outputs, folded shape arithmetic. */
  constant: Set<string>;
  /** Non-constant nodes ORT folds away (shape arithmetic on static shapes) or deletes (passthrough). */
  folded: boolean[];
  passthrough: boolean[];
}

const isStatic = (dims: Dim[] | null | undefined): boolean =>
  !!dims && dims.every((d) => typeof d === 'number' && d >= 0);

export function buildGraphView(nodes: NodeFeatures[], graph: { inputs: string[]; outputs: string[] }): GraphView {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => n.outputs.forEach((o) => o.name !== '' && producer.set(o.name, i)));
  const graphInputs = new Set(graph.inputs);
  const constant = new Set<string>();
  const folded = nodes.map(() => false);
  const passthrough = nodes.map((n) => !n.isConstant && PASSTHROUGH_OPS.has(n.opType));
  // Initializers: read by some node, produced by none, not a graph input.
  for (const n of nodes)
    for (const t of n.inputs) if (t !== '' && !producer.has(t) && !graphInputs.has(t)) constant.add(t);
  const isConstantTensor = (t: string): boolean => t === '' || constant.has(t);
  nodes.forEach((n, i) => {
    const given = n.inputs.filter((t) => t !== '');
    // ORT's constant folding also folds Shape/Size of a tensor whose shape is static, and whatever is computed
    // from constants only (the Shape → Gather → Concat → Reshape target chains of exported token blocks).
    const foldable =
      n.isConstant ||
      ((n.opType === 'Shape' || n.opType === 'Size') && isStatic(n.inputShapes[0])) ||
      (given.length > 0 && given.every(isConstantTensor) && !passthrough[i]);
    if (foldable) {
      folded[i] = !n.isConstant;
      n.outputs.forEach((o) => o.name !== '' && constant.add(o.name));
    } else if (passthrough[i] && given.length > 0 && isConstantTensor(given[0])) {
      n.outputs.forEach((o) => o.name !== '' && constant.add(o.name));
    }
  });
  // Bypass passthrough nodes: a consumer of Identity(x) reads x.
  const source = (t: string): string => {
    let cur = t;
    for (let guard = 0; guard < nodes.length; guard++) {
      const p = producer.get(cur);
      if (p === undefined || !passthrough[p]) return cur;
      cur = nodes[p].inputs[0] ?? cur;
    }
    return cur;
  };
  const inputs = nodes.map((n) => n.inputs.map((t) => (t === '' ? '' : source(t))));
  const consumers = new Map<string, number[]>();
  nodes.forEach((n, i) => {
    if (n.isConstant || folded[i] || passthrough[i]) return;
    for (const t of inputs[i]) {
      if (t === '' || constant.has(t)) continue;
      const list = consumers.get(t) ?? [];
      list.push(i);
      consumers.set(t, list);
    }
  });
  const readers = new Map<string, number[]>();
  nodes.forEach((n, i) => {
    if (n.isConstant) return;
    for (const t of new Set(n.inputs)) {
      if (t === '' || !producer.has(t)) continue;
      const list = readers.get(t) ?? [];
      list.push(i);
      readers.set(t, list);
    }
  });
  const graphOutputs = new Set(graph.outputs.map(source));
  return { nodes, producer, consumers, readers, inputs, graphOutputs, constant, folded, passthrough };
}

/** Is `t` known before run time (initializer, constant, folded)? */
export const isConst = (v: GraphView, t: string): boolean => t === '' || v.constant.has(t);

/** The only consumer of the tensor when it has exactly one and is not a graph output, else undefined. */
export function soleConsumer(v: GraphView, t: string): number | undefined {
  const c = v.consumers.get(t);
  return c && c.length === 1 && !v.graphOutputs.has(t) ? c[0] : undefined;
}

/** Consumer count as ORT's NCHWc transformer counts uses: input slots, plus one when it is a graph output. */
export const useCount = (v: GraphView, t: string): number =>
  (v.consumers.get(t)?.length ?? 0) + (v.graphOutputs.has(t) ? 1 : 0);

export const outputOf = (v: GraphView, i: number): string => v.nodes[i].outputs[0]?.name ?? '';

export const shapeOf = (v: GraphView, t: string): Dim[] | null => {
  const p = v.producer.get(t);
  if (p === undefined) return null;
  return v.nodes[p].outputs.find((o) => o.name === t)?.shape ?? null;
};
