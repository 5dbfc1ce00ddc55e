/**
 * The partition manifest: for each tier of a plan, its nodes, the tensors it receives (from the model input or
 * an earlier tier) and the tensors it sends (to which later tiers, and whether they return to the end device),
 * with their bytes on the wire by the same rule the cost model prices them (planning/wire-bytes.ts).
 */
import { elementsOf } from '../planning/plan-graph';
import { inputWireBytes, wireBytes } from '../planning/wire-bytes';
import { dtypeName } from './dtypes';
import {
  Encoding,
  GraphValue,
  Manifest,
  ManifestInput,
  ManifestLink,
  ManifestOutput,
  ManifestTier,
  PartitionsError,
  PartitionsErrorCode,
  PlanAssignment,
  StoredGraph,
  WireTensor,
} from './types';

/** Where each tensor comes from and who takes it, computed once per (graph, plan). */
export interface Wiring {
  tierOf: number[];
  constant: boolean[];
  /** Tensor name → producing node index; model inputs are absent. */
  producerOf: Map<string, number>;
  /** Per tier, the constant nodes of other tiers its nodes need (indices, topological order). */
  copied: number[][];
}

const FLOAT = 1;

const ENCODED_PARTS: Record<'float16' | 'int8', [string, number][]> = {
  float16: [['float16', 10]],
  int8: [
    ['uint8', 2],
    ['scale', 1],
    ['zero_point', 2],
  ],
};

export function wire(graph: StoredGraph, plan: PlanAssignment): Wiring {
  const tierIndex = new Map<string, number>();
  plan.tiers.forEach((t, k) => t.nodes.forEach((n) => tierIndex.set(n, k)));
  const tierOf = graph.nodes.map((n) => {
    const k = tierIndex.get(n.name);
    if (k === undefined) throw bad(`the plan puts node '${n.name}' on no tier`);
    return k;
  });
  const constant = graph.nodes.map((n) => n.isConstant);
  const producerOf = new Map<string, number>();
  graph.nodes.forEach((n, v) => n.outputs.forEach((o) => o.name !== '' && producerOf.set(o.name, v)));
  graph.nodes.forEach((n, v) => {
    if (constant[v]) return;
    for (const input of n.inputs) {
      const u = producerOf.get(input);
      if (u !== undefined && !constant[u] && tierOf[u] > tierOf[v]) {
        throw bad(`data would move backwards: '${input}' from tier ${tierOf[u]} to node '${n.name}' on ${tierOf[v]}`);
      }
    }
  });
  // A constant node runs wherever it is needed: with its first consumer in the plan, copied to any other tier.
  const copied = plan.tiers.map((_, k) => {
    const need = new Set<number>();
    const visit = (v: number) => {
      for (const input of graph.nodes[v].inputs) {
        const u = producerOf.get(input);
        if (u === undefined || !constant[u] || need.has(u)) continue;
        if (tierOf[u] !== k) need.add(u);
        visit(u);
      }
    };
    graph.nodes.forEach((_, v) => tierOf[v] === k && visit(v));
    return [...need].sort((a, b) => a - b);
  });
  return { tierOf, constant, producerOf, copied };
}

interface Crossing {
  value: GraphValue;
  /** -1 for a model input. */
  fromTier: number;
  producer: number;
  /** Tiers past fromTier whose non-constant nodes consume it, ascending. */
  toTiers: number[];
  isModelOutput: boolean;
  bytes: number;
  encoding: Encoding;
}

function uniqueNamer(graph: StoredGraph): (base: string) => string {
  const taken = new Set<string>([
    ...graph.inputs.map((i) => i.name),
    ...graph.initializers.map((i) => i.name),
    ...graph.nodes.flatMap((n) => n.outputs.map((o) => o.name)),
  ]);
  return (base) => {
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base}#${i}`;
    taken.add(name);
    return name;
  };
}

export function buildManifest(graph: StoredGraph, plan: PlanAssignment): Manifest {
  const w = wire(graph, plan);
  const T = plan.tiers.length;
  const tierName = (k: number) => plan.tiers[k].tier;
  const linkName = (k: number) => `${tierName(k - 1)}-${tierName(k)}`;
  const consumerTiers = new Map<string, Set<number>>();
  graph.nodes.forEach((n, v) => {
    if (w.constant[v]) return;
    for (const input of n.inputs) {
      if (input === '') continue;
      const set = consumerTiers.get(input) ?? new Set<number>();
      set.add(w.tierOf[v]);
      consumerTiers.set(input, set);
    }
  });
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const inputElements = graph.inputs.reduce((s, i) => s + elementsOf(i.shape), 0);
  const inputBytes = (v: GraphValue): number => {
    if (plan.inputBytes === null) return inputWireBytes(elementsOf(v.shape), v.elemType);
    return plan.inputBytes * (inputElements > 0 ? elementsOf(v.shape) / inputElements : 1 / graph.inputs.length);
  };

  const crossings: Crossing[] = graph.inputs.map((value) => ({
    value,
    fromTier: -1,
    producer: -1,
    toTiers: [...(consumerTiers.get(value.name) ?? [])].sort((a, b) => a - b),
    isModelOutput: false,
    bytes: inputBytes(value),
    encoding: 'none',
  }));
  graph.nodes.forEach((n, v) => {
    for (const o of n.outputs) {
      if (o.name === '') continue;
      const from = w.tierOf[v];
      const isModelOutput = outputs.has(o.name);
      const toTiers = w.constant[v] ? [] : [...(consumerTiers.get(o.name) ?? [])].filter((k) => k > from);
      if (toTiers.length === 0 && !isModelOutput) continue;
      const value = { name: o.name, elemType: o.elemType ?? 0, shape: o.shape };
      const moved = toTiers.length > 0 || (isModelOutput && from > 0);
      crossings.push({
        value,
        fromTier: from,
        producer: v,
        toTiers: toTiers.sort((a, b) => a - b),
        isModelOutput,
        // A constant node's output is folded: it moves no bytes (cost model), so it is never encoded.
        bytes: w.constant[v] ? 0 : wireBytes(elementsOf(o.shape), value.elemType, plan.transferDtype),
        // Only a known float32 is encoded: a tensor of unknown type cannot be cast safely (and is refused later).
        encoding: moved && !w.constant[v] && value.elemType === FLOAT ? plan.transferDtype : 'none',
      });
    }
  });

  const fresh = uniqueNamer(graph);
  const wireOf = new Map<string, WireTensor[]>();
  for (const c of crossings) {
    const { name, elemType, shape } = c.value;
    if (c.encoding === 'float16' || c.encoding === 'int8') {
      wireOf.set(
        name,
        ENCODED_PARTS[c.encoding].map(([part, type], i) => ({
          name: fresh(`${name}::${part}`),
          dtype: dtypeName(type),
          shape: i === 0 ? shape : [],
        })),
      );
    } else {
      wireOf.set(name, [{ name, dtype: dtypeName(elemType), shape }]);
    }
  }

  const tiers: ManifestTier[] = plan.tiers.map((t, k) => {
    const nodes = graph.nodes.filter((_, v) => w.tierOf[v] === k).map((n) => n.name);
    const inputs: ManifestInput[] = crossings
      .filter((c) => (c.fromTier < 0 ? c.toTiers.includes(k) : c.fromTier < k && c.toTiers.includes(k)))
      .map((c) => {
        const first = Math.max(c.fromTier, 0) + 1;
        return {
          name: c.value.name,
          source: c.fromTier < 0 ? 'model-input' : 'tier',
          fromTier: c.fromTier < 0 ? null : tierName(c.fromTier),
          shape: c.value.shape,
          dtype: dtypeName(c.value.elemType),
          bytes: c.bytes,
          links: Array.from({ length: k - first + 1 }, (_, i) => linkName(first + i)),
          encoding: c.encoding,
          wire: wireOf.get(c.value.name)!,
        };
      });
    const sent: ManifestOutput[] = crossings
      .filter((c) => c.fromTier === k)
      .map((c) => {
        const parts = wireOf.get(c.value.name)!;
        // A model output made on the end device stays there as itself, even when an encoded copy goes on.
        const keepRaw = c.isModelOutput && k === 0 && c.encoding !== 'none';
        return {
          name: c.value.name,
          shape: c.value.shape,
          dtype: dtypeName(c.value.elemType),
          bytes: c.bytes,
          consumers: c.toTiers.map(tierName),
          isModelOutput: c.isModelOutput,
          returnsToEnd: c.isModelOutput && k > 0,
          encoding: c.encoding,
          wire: keepRaw
            ? [{ name: c.value.name, dtype: dtypeName(c.value.elemType), shape: c.value.shape }, ...parts]
            : parts,
        };
      });
    return {
      tier: t.tier,
      index: k,
      platform: t.platform,
      nodes,
      copiedConstants: w.copied[k].map((v) => graph.nodes[v].name),
      inputs,
      outputs: sent,
    };
  });

  const links: ManifestLink[] = [];
  for (let k = 1; k < T; k++) {
    const over = crossings.filter((c) => c.toTiers.length > 0 && c.fromTier < k && c.toTiers.at(-1)! >= k);
    if (over.length === 0) continue;
    links.push({
      link: linkName(k),
      bytes: over.reduce((s, c) => s + c.bytes, 0),
      tensors: over.map((c) => c.value.name),
    });
  }
  return { transferDtype: plan.transferDtype, fileName: graph.fileName, tiers, links };
}

const bad = (message: string) => new PartitionsError(PartitionsErrorCode.BAD_ASSIGNMENT, message);
