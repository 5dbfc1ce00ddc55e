/**
 * Stage 2 of the ONNX pipeline: RawModel → OnnxGraph. Validates what later stages rely on (a supported opset,
 * unique node names, every tensor with a known source, no cycle) and orders the nodes topologically, keeping the
 * file's order wherever it is already valid so that node indices stay meaningful to a reader of the file.
 */
import { GraphNode, OnnxError, OnnxErrorCode, OnnxGraph, RawModel, RawNode, TensorStub } from './types';

/**
 * Default-domain opsets we have shape rules for. Every shared file lies in 8..17 (the Caffe2-lineage light_*
 * files are opset 9, mnist is 8, the torch exports 17); the rules handle the attribute-vs-input changes from
 * opset 7 up to 21 (Slice 10, Split/Squeeze/Unsqueeze 13, Reduce* 18, ...).
 */
export const MIN_OPSET = 7;
export const MAX_OPSET = 21;

const DEFAULT_DOMAINS = new Set(['', 'ai.onnx']);

/** The default-domain opset version of a model (throws UNSUPPORTED_OPSET when absent or out of range). */
export function defaultOpset(raw: RawModel): number {
  const entry = raw.opsets.find((o) => DEFAULT_DOMAINS.has(o.domain));
  if (!entry) {
    throw new OnnxError(OnnxErrorCode.UNSUPPORTED_OPSET, 'model imports no default-domain (ai.onnx) opset', {
      supported: [MIN_OPSET, MAX_OPSET],
    });
  }
  if (entry.version < MIN_OPSET || entry.version > MAX_OPSET) {
    throw new OnnxError(
      OnnxErrorCode.UNSUPPORTED_OPSET,
      `unsupported opset ${entry.version}: supported ai.onnx opsets are ${MIN_OPSET} to ${MAX_OPSET}`,
      { opset: entry.version, supported: [MIN_OPSET, MAX_OPSET] },
    );
  }
  return entry.version;
}

/** Stable unique names: file name when unique, `<OpType>_<index>` when nameless, `<name>#k` for repeats. */
export function uniqueNodeNames(nodes: RawNode[]): string[] {
  // Names given in the file are reserved first, so a synthesised `Conv_3` never steals a real node's name.
  const taken = new Set(nodes.map((n) => n.name).filter((n) => n !== ''));
  const seen = new Set<string>();
  const withSuffix = (base: string): string => {
    for (let k = 2; ; k++) {
      const candidate = `${base}#${k}`;
      if (!taken.has(candidate)) return candidate;
    }
  };
  return nodes.map((node, index) => {
    let name: string;
    if (node.name === '') {
      const base = `${node.opType}_${index}`;
      name = taken.has(base) ? withSuffix(base) : base;
    } else if (seen.has(node.name)) {
      name = withSuffix(node.name);
    } else {
      name = node.name;
    }
    seen.add(node.name);
    taken.add(name);
    return name;
  });
}

/** Min-heap of file positions: Kahn's algorithm always emits the earliest ready node, so valid order is kept. */
class MinHeap {
  private readonly items: number[] = [];
  get size(): number {
    return this.items.length;
  }
  push(v: number): void {
    const a = this.items;
    a.push(v);
    for (let i = a.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (a[p] <= a[i]) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }
  pop(): number {
    const a = this.items;
    const top = a[0];
    const last = a.pop() as number;
    if (a.length > 0) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l] < a[m]) m = l;
        if (r < a.length && a[r] < a[m]) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}

export function buildGraph(raw: RawModel): OnnxGraph {
  defaultOpset(raw);
  if (raw.nodes.length === 0) throw new OnnxError(OnnxErrorCode.EMPTY_GRAPH, 'graph has no nodes');

  const names = uniqueNodeNames(raw.nodes);
  const initializers = new Map<string, TensorStub>(raw.initializers.map((t) => [t.name, t]));
  const external = new Set<string>([...raw.inputs.map((i) => i.name), ...initializers.keys()]);

  // Producers by file position; a tensor has at most one source (SSA), graph inputs and initializers included.
  const fileProducer = new Map<string, number>();
  raw.nodes.forEach((node, i) => {
    for (const out of node.outputs) {
      if (out === '') continue;
      const other = fileProducer.get(out);
      if (other !== undefined || external.has(out)) {
        const first = other !== undefined ? `node '${names[other]}'` : 'a graph input or initializer';
        throw new OnnxError(
          OnnxErrorCode.DUPLICATE_PRODUCER,
          `tensor '${out}' is produced by both ${first} and node '${names[i]}'`,
          { tensor: out, nodes: other !== undefined ? [names[other], names[i]] : [names[i]] },
        );
      }
      fileProducer.set(out, i);
    }
  });

  // Dependencies: deps[i] = producers of node i's inputs (file positions, one entry per consuming input).
  const deps: number[][] = raw.nodes.map((node, i) =>
    node.inputs.flatMap((input) => {
      if (input === '') return [];
      const p = fileProducer.get(input);
      if (p !== undefined) return [p];
      if (external.has(input)) return [];
      throw new OnnxError(OnnxErrorCode.UNKNOWN_TENSOR, `node '${names[i]}' consumes unknown tensor '${input}'`, {
        node: names[i],
        tensor: input,
      });
    }),
  );
  for (const out of raw.outputs) {
    if (!fileProducer.has(out.name) && !external.has(out.name)) {
      throw new OnnxError(OnnxErrorCode.UNKNOWN_TENSOR, `graph output '${out.name}' is not produced by any node`, {
        tensor: out.name,
      });
    }
  }

  const order = topologicalOrder(deps, names);
  const position = new Map<number, number>(order.map((filePos, idx) => [filePos, idx]));
  const nodes: GraphNode[] = order.map((filePos, index) => ({
    ...raw.nodes[filePos],
    uniqueName: names[filePos],
    index,
  }));

  const producerOf = new Map<string, number>();
  for (const [tensor, filePos] of fileProducer) producerOf.set(tensor, position.get(filePos) as number);
  const consumersOf = new Map<string, number[]>();
  for (const node of nodes) {
    for (const input of new Set(node.inputs)) {
      if (input === '') continue;
      const list = consumersOf.get(input) ?? [];
      list.push(node.index);
      consumersOf.set(input, list);
    }
  }

  return {
    model: raw,
    nodes,
    initializers,
    inputs: raw.inputs.filter((i) => !initializers.has(i.name)),
    outputs: raw.outputs,
    producerOf,
    consumersOf,
  };
}

/** Kahn's algorithm by file position; on a cycle, throws CYCLE naming the nodes of one cycle in edge order. */
function topologicalOrder(deps: number[][], names: string[]): number[] {
  const n = deps.length;
  const indegree = deps.map((d) => d.length);
  const dependents: number[][] = Array.from({ length: n }, () => []);
  deps.forEach((d, i) => d.forEach((p) => dependents[p].push(i)));

  const ready = new MinHeap();
  indegree.forEach((deg, i) => deg === 0 && ready.push(i));
  const order: number[] = [];
  while (ready.size > 0) {
    const i = ready.pop();
    order.push(i);
    for (const c of dependents[i]) if (--indegree[c] === 0) ready.push(c);
  }
  if (order.length === n) return order;

  // Every node left has a producer that is also left: walk producers backwards until a node repeats.
  const left = new Set<number>();
  indegree.forEach((deg, i) => deg > 0 && left.add(i));
  const path: number[] = [];
  const onPath = new Map<number, number>();
  let cur = Math.min(...left);
  while (!onPath.has(cur)) {
    onPath.set(cur, path.length);
    path.push(cur);
    cur = deps[cur].find((p) => left.has(p)) as number;
  }
  // path holds consumer → producer steps; reverse the loop so the message reads in data-flow order.
  const reversed = path.slice(onPath.get(cur)).reverse();
  // Start at the node that comes first in the file, so the message reads like the file.
  const first = reversed.indexOf(Math.min(...reversed));
  const loop = [...reversed.slice(first), ...reversed.slice(0, first)];
  const cycle = [...loop, loop[0]].map((i) => names[i]);
  throw new OnnxError(OnnxErrorCode.CYCLE, `graph has a cycle: ${cycle.join(' → ')}`, { nodes: cycle.slice(0, -1) });
}
