/**
 * ORT's level-3 NCHWc transformer (nchwc_transformer.cc) replayed on the fused groups: which convolutions and
 * pools run in the blocked layout, the Conv + Add (+ activation) fusions only that layout does, and where
 * ReorderInput/ReorderOutput nodes go (a cost at the boundary of the kernels they serve).
 *  - Conv with a constant 4-D float weight: group 1 needs Cin < block (reads NCHW directly) or Cin % block = 0;
 *    grouped needs Cout % block = 0 and either depthwise or both per-group counts % block = 0.
 *  - MaxPool/AveragePool: 4-D input whose channels % block = 0. GlobalAverage/MaxPool: only on NCHWc input.
 *  - Add/Sum of NCHWc inputs of equal shape: fused into a single-use NCHWc Conv that has no activation yet;
 *    Relu/Sigmoid/Tanh after a single-use NCHWc Conv become its activation; otherwise they run on NCHWc data.
 *    Mul of equal shapes and channel Concat of block-aligned inputs stay NCHWc; BatchNormalization on NCHWc
 *    input becomes a depthwise 1x1 NCHWc Conv.
 *  - Any other consumer of an NCHWc tensor gets one shared ReorderOutput; each NCHW tensor read by NCHWc
 *    kernels gets one shared ReorderInput.
 */
import type { Dim } from '../onnx/types';
import { GraphView, isConst, outputOf } from './graph-view';
import { Group, Groups } from './groups';

interface NchwcTensor {
  group: Group;
  channels: number;
  startUses: number;
  remaining: number;
  /** Produced by an NCHWc Conv that may still take a sum or an activation. */
  conv: boolean;
}

const ELEMENTWISE_NCHWC = new Set(['Relu', 'Sigmoid', 'Tanh']);
const num = (d: Dim | undefined): number => (typeof d === 'number' ? d : NaN);
const elements = (d: Dim[] | null): number => (d ? d.reduce<number>((a, b) => a * num(b), 1) : NaN);

/** Topological order of the groups (the contracted graph); undefined when it has a cycle. */
export function groupOrder(v: GraphView, g: Groups): Group[] | undefined {
  const groups = g.list();
  const indegree = new Map<number, number>(groups.map((x) => [x.id, 0]));
  const edges = new Map<number, Set<number>>();
  for (const x of groups) {
    for (const n of x.nodes) {
      for (const t of v.nodes[n].inputs) {
        const p = v.producer.get(t);
        const from = p === undefined ? undefined : g.of(p);
        if (!from || from === x) continue;
        const set = edges.get(from.id) ?? new Set<number>();
        if (!set.has(x.id)) {
          set.add(x.id);
          indegree.set(x.id, indegree.get(x.id)! + 1);
        }
        edges.set(from.id, set);
      }
    }
  }
  const ready = groups.filter((x) => indegree.get(x.id) === 0).sort((a, b) => a.main - b.main);
  const order: Group[] = [];
  while (ready.length > 0) {
    const x = ready.shift()!;
    order.push(x);
    for (const to of edges.get(x.id) ?? []) {
      const d = indegree.get(to)! - 1;
      indegree.set(to, d);
      if (d === 0) ready.push(g.byId.get(to)!);
    }
  }
  return order.length === groups.length ? order : undefined;
}

/** Uses of a tensor by other groups, as ORT counts edges on the fused graph (a fused node reads it once). */
function uses(v: GraphView, g: Groups, t: string, producer: Group): number {
  let n = v.graphOutputs.has(t) ? 1 : 0;
  const seen = new Set<number>();
  for (const c of v.consumers.get(t) ?? []) {
    const cg = g.of(c)!;
    if (cg === producer) continue;
    if (cg.nodes.length === 1) n++;
    else if (!seen.has(cg.id)) {
      seen.add(cg.id);
      n++;
    }
  }
  return n;
}

const bytesOf = (v: GraphView, t: string, fallback: Dim[] | null): number => {
  const p = v.producer.get(t);
  const b = p === undefined ? null : v.nodes[p].outputs.find((o) => o.name === t)?.bytes;
  if (typeof b === 'number') return b;
  const e = elements(fallback);
  return Number.isFinite(e) ? e * 4 : 0;
};

export function applyNchwc(v: GraphView, g: Groups, block: number): void {
  if (block <= 1) return;
  const order = groupOrder(v, g);
  if (!order) return;
  const nchwc = new Map<string, NchwcTensor>();
  const reordered = new Set<string>();
  const reorderInput = (group: Group, t: string, shape: Dim[] | null): void => {
    const e = nchwc.get(t);
    if (e) {
      e.remaining--;
      return;
    }
    if (reordered.has(t)) return;
    reordered.add(t);
    group.reorders++;
    group.reorderBytes += bytesOf(v, t, shape);
  };
  const produce = (group: Group, channels: number, conv: boolean): void => {
    const u = uses(v, g, group.out, group);
    nchwc.set(group.out, { group, channels, startUses: u, remaining: u, conv });
    group.nchwc = true;
  };
  for (const group of order) {
    if (!g.byId.has(group.id)) continue; // merged into an NCHWc conv earlier in this walk
    const main = v.nodes[group.main];
    const ins = v.inputs[group.main].filter((t) => t !== '' && !isConst(v, t));
    const single = group.nodes.length === 1;
    if ((group.cls === 'conv' && main.opType === 'Conv') || false) {
      const w = main.inputShapes[1];
      const x = main.inputShapes[0];
      const groupsAttr = main.attributes.group?.kind === 'int' ? main.attributes.group.value : 1;
      if (!w || w.length !== 4 || !x || x.length !== 4 || !isConst(v, v.inputs[group.main][1] ?? '')) continue;
      const bias = v.inputs[group.main][2];
      if (bias && !isConst(v, bias)) continue;
      const cout = num(w[0]);
      const cin = num(w[1]);
      let readsNchwc = true;
      if (groupsAttr > 1) {
        const depthwise = cin === 1 && cout === groupsAttr;
        const blocked = cin % block === 0 && cout % groupsAttr === 0 && (cout / groupsAttr) % block === 0;
        if (cout % block !== 0 || !(depthwise || blocked)) continue;
      } else if (cin < block) readsNchwc = false;
      else if (cin % block !== 0) continue;
      if (readsNchwc) reorderInput(group, v.inputs[group.main][0], x);
      group.nchwcAnchor = group.out;
      produce(group, cout, true);
      continue;
    }
    if (!single) {
      // Fused kernels outside the layout (Gemm, Gelu, LayerNorm...) read NCHW; QuickGelu is elementwise.
      const inside = new Set(group.nodes.flatMap((n) => v.nodes[n].outputs.map((o) => o.name)));
      const external = [...new Set(group.nodes.flatMap((n) => v.inputs[n]))].filter(
        (t) => t !== '' && !isConst(v, t) && !inside.has(t),
      );
      if (group.cls === 'quickgelu' && external.length === 1 && nchwc.has(external[0])) {
        const e = nchwc.get(external[0])!;
        e.remaining--;
        produce(group, e.channels, false);
      }
      continue;
    }
    const o = main.opType;
    const entries = ins.map((t) => nchwc.get(t));
    const allNchwc = ins.length > 0 && entries.every((e) => e !== undefined) && ins.length === main.inputs.length;
    if (o === 'MaxPool' || o === 'AveragePool') {
      const x = main.inputShapes[0];
      const outs = main.outputs.filter((t) => t.name !== '').length;
      if (!x || x.length !== 4 || outs !== 1 || num(x[1]) % block !== 0) continue;
      reorderInput(group, ins[0], x);
      group.nchwcAnchor = group.out;
      produce(group, num(x[1]), false);
    } else if ((o === 'GlobalAveragePool' || o === 'GlobalMaxPool') && allNchwc && entries[0]!.channels % block === 0) {
      entries[0]!.remaining--;
      group.nchwcAnchor = group.out;
      produce(group, entries[0]!.channels, false);
    } else if ((o === 'Add' || o === 'Sum' || o === 'Mul') && allNchwc) {
      const channels = entries[0]!.channels;
      if (entries.some((e) => e!.channels !== channels)) continue;
      const shapes = main.inputShapes.map((s) => JSON.stringify(s));
      const equal = shapes.every((s) => s === shapes[0]) && elements(main.inputShapes[0]) > 0;
      if (!equal && o === 'Mul') continue;
      entries.forEach((e) => e!.remaining--);
      const target =
        o !== 'Mul' && equal && ins.length === 2
          ? entries.find((e) => e!.conv && e!.startUses === 1 && !e!.group.activation && !e!.group.sum)
          : undefined;
      if (target) {
        const conv = g.merge(target.group, group);
        conv.sum = true;
        conv.out = outputOf(v, group.main);
        conv.cls = 'conv-add';
        const u = uses(v, g, conv.out, conv);
        nchwc.set(conv.out, { group: conv, channels, startUses: u, remaining: u, conv: true });
      } else produce(group, channels, false);
    } else if (o === 'Concat' && allNchwc) {
      const axis = main.attributes.axis?.kind === 'int' ? main.attributes.axis.value : 0;
      if (axis !== 1 || entries.some((e) => e!.channels % block !== 0)) continue;
      entries.forEach((e) => e!.remaining--);
      produce(
        group,
        entries.reduce((s, e) => s + e!.channels, 0),
        false,
      );
    } else if (ELEMENTWISE_NCHWC.has(o) && nchwc.has(ins[0])) {
      const e = nchwc.get(ins[0])!;
      e.remaining--;
      if (e.conv && e.startUses === 1 && !e.group.activation) {
        const conv = g.merge(e.group, group);
        conv.activation = o;
        conv.out = outputOf(v, group.main);
        const u = uses(v, g, conv.out, conv);
        nchwc.set(conv.out, { group: conv, channels: e.channels, startUses: u, remaining: u, conv: true });
      } else produce(group, e.channels, false);
    } else if (
      o === 'BatchNormalization' &&
      nchwc.has(ins[0]) &&
      v.inputs[group.main].slice(1).every((t) => isConst(v, t))
    ) {
      const e = nchwc.get(ins[0])!;
      e.remaining--;
      group.bnNchwc = true;
      group.nchwcAnchor = group.out;
      produce(group, e.channels, true);
    } else if (o === 'Transpose' && nchwc.has(ins[0])) {
      const perm = main.attributes.perm;
      const p = perm?.kind === 'ints' ? perm.value.join(',') : '';
      if (p !== '0,2,3,1') continue;
      // The NCHW → NHWC transpose becomes the ReorderOutput itself.
      nchwc.get(ins[0])!.remaining--;
      group.reorders++;
      group.reorderBytes += bytesOf(v, group.out, null);
    }
  }
  for (const [t, e] of nchwc) {
    if (e.remaining <= 0 || !g.byId.has(e.group.id)) continue;
    e.group.reorders++;
    e.group.reorderBytes += bytesOf(v, t, null);
  }
}

/**
 * conv_add_act_fusion (level 3, after NCHWc): a Conv the layout did not take, with no activation yet, whose only
 * consumer is an Add of a same-shaped activation → FusedConv with the sum, and then its activation.
 */
export function fuseConvAddActivation(v: GraphView, g: Groups): void {
  for (const group of g.list()) {
    if (group.cls !== 'conv' || group.nchwc || group.activation || v.nodes[group.main].opType !== 'Conv') continue;
    const consumers = v.consumers.get(group.out) ?? [];
    if (consumers.length !== 1 || v.graphOutputs.has(group.out)) continue;
    const add = consumers[0];
    if (!g.free(add) || v.nodes[add].opType !== 'Add') continue;
    const other = v.inputs[add].find((t) => t !== group.out);
    const [s0, s1] = v.nodes[add].inputShapes;
    if (!other || isConst(v, other) || JSON.stringify(s0) !== JSON.stringify(s1)) continue;
    g.merge(group, g.of(add)!);
    group.sum = true;
    group.cls = 'conv-add';
    group.out = outputOf(v, add);
    const act = (v.consumers.get(group.out) ?? [])[0];
    if ((v.consumers.get(group.out) ?? []).length === 1 && !v.graphOutputs.has(group.out) && g.free(act)) {
      if (['Relu', 'Sigmoid', 'Tanh', 'LeakyRelu', 'HardSigmoid', 'Clip'].includes(v.nodes[act].opType)) {
        g.merge(group, g.of(act)!);
        group.activation = v.nodes[act].opType;
        group.out = outputOf(v, act);
      }
    }
  }
}
