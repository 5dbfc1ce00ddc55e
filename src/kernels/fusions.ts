/**
 * ORT's level-1 and level-2 CPU fusions (onnxruntime/core/optimizer, graph_transformer_utils.cc), in the order
 * ORT runs them. Each rule merges node groups; a rule only takes nodes no other rule took (`Groups.free`).
 *  - conv_bn_fusion / conv_add_fusion / conv_mul_fusion: Conv + BatchNormalization / Add / Mul of a constant
 *    per-channel operand (folded into the weights), when the Conv output has one consumer.
 *  - matmul_add_fusion: MatMul + Add(bias [N]) → Gemm (rank > 2 with static shapes: reshapes around it).
 *  - gelu_fusion: Div(√2) → Erf → Add(1) → Mul(x) → Mul(0.5), and the Mul(x, 0.5) variant → Gelu.
 *  - layer_norm_fusion: ReduceMean → Sub → Pow → ReduceMean → Add → Sqrt → Div (→ Mul γ → Add β).
 *  - quick_gelu_fusion: x · Sigmoid(x) (SiLU) → QuickGelu.
 *  - matmul_transpose_fusion / matmul_scale_fusion: Transpose of the last two axes feeding a MatMul, and a
 *    scalar Mul/Div after it → FusedMatMul.
 *  - gather_slice_to_split_fusion: sibling Slices of one tensor with static bounds → Split.
 *  - gemm_activation_fusion / conv_activation_fusion: Gemm / Conv + activation → FusedGemm / FusedConv.
 * Constant values are not stored by the reader (only shapes), so patterns match on structure and shapes; the
 * constants of Gelu/LayerNorm are assumed to be the usual ones.
 */
import type { Dim } from '../onnx/types';
import { GraphView, isConst, outputOf, soleConsumer } from './graph-view';
import { ACTIVATIONS, Groups } from './groups';

const op = (v: GraphView, i: number | undefined): string | undefined =>
  i === undefined ? undefined : v.nodes[i].opType;
const prod = (d: Dim[]): number => d.reduce<number>((a, b) => a * (typeof b === 'number' ? b : NaN), 1);
const isScalar = (d: Dim[] | null): boolean => !!d && (d.length === 0 || prod(d) === 1);
/** The non-`self` input of a binary node. */
const otherInput = (v: GraphView, node: number, self: string): string | undefined => {
  const ins = v.inputs[node];
  if (ins.length !== 2) return undefined;
  return ins[0] === self ? ins[1] : ins[1] === self ? ins[0] : undefined;
};
const inputShapeOf = (v: GraphView, node: number, t: string): Dim[] | null => {
  const k = v.inputs[node].indexOf(t);
  return k < 0 ? null : v.nodes[node].inputShapes[k];
};

/** A constant operand that broadcasts per output channel of a conv: [C,1,1], [1,C,1,1], or a scalar. */
function perChannel(shape: Dim[] | null, channels: Dim, rank: number): boolean {
  if (!shape) return false;
  if (isScalar(shape)) return true;
  const d = shape.length === rank ? shape.slice(1) : shape;
  if (shape.length === rank && shape[0] !== 1) return false;
  return d.length === rank - 1 && d[0] === channels && d.slice(1).every((x) => x === 1);
}

export function fuseConvConstants(v: GraphView, g: Groups): void {
  v.nodes.forEach((n, c) => {
    if (n.opType !== 'Conv' || !g.free(c) || !isConst(v, v.inputs[c][1] ?? '')) return;
    const group = g.of(c)!;
    const rank = n.outputs[0]?.shape?.length ?? 0;
    const channels = n.outputs[0]?.shape?.[1] ?? null;
    for (;;) {
      const k = soleConsumer(v, group.out);
      if (!g.free(k)) return;
      const kop = op(v, k);
      const rest = v.inputs[k].filter((t) => t !== group.out);
      const takes =
        (kop === 'BatchNormalization' && v.nodes[k].outputs.filter((o) => o.name !== '').length === 1) ||
        ((kop === 'Add' || kop === 'Mul') && rest.length === 1);
      if (!takes || !rest.every((t) => isConst(v, t))) return;
      if (kop !== 'BatchNormalization' && !perChannel(inputShapeOf(v, k, rest[0]), channels, rank)) return;
      g.fuse(c, [k], 'conv', outputOf(v, k));
    }
  });
}

export function fuseMatMulAdd(v: GraphView, g: Groups): void {
  v.nodes.forEach((n, m) => {
    if (n.opType !== 'MatMul' || !g.free(m)) return;
    const a = n.inputShapes[0];
    const b = n.inputShapes[1];
    const out = outputOf(v, m);
    const add = soleConsumer(v, out);
    if (!b || b.length !== 2 || !a || a.length < 2 || op(v, add) !== 'Add' || !g.free(add)) return;
    if (a.length > 2 && !a.every((d) => typeof d === 'number')) return;
    const bias = otherInput(v, add, out);
    const biasShape = bias === undefined ? null : inputShapeOf(v, add!, bias);
    const cols = b[1];
    const ok = !!biasShape && (biasShape.length === 1 || (biasShape.length === 2 && biasShape[0] === 1));
    if (!ok || biasShape![biasShape!.length - 1] !== cols) return;
    g.fuse(m, [add!], 'gemm', outputOf(v, add!), `${n.name}/MatMulAddFusion`);
  });
}

export function fuseGelu(v: GraphView, g: Groups): void {
  v.nodes.forEach((n, e) => {
    if (n.opType !== 'Erf' || !g.free(e)) return;
    const div = v.producer.get(v.inputs[e][0]);
    if (!g.free(div) || !['Div', 'Mul'].includes(op(v, div)!) || soleConsumer(v, outputOf(v, div)) !== e) return;
    const x = v.inputs[div][0];
    if (!isConst(v, v.inputs[div][1] ?? '')) return;
    const add = soleConsumer(v, outputOf(v, e));
    if (!g.free(add) || op(v, add) !== 'Add' || !isConst(v, otherInput(v, add, outputOf(v, e)) ?? '')) return;
    const mul = soleConsumer(v, outputOf(v, add));
    if (!g.free(mul) || op(v, mul) !== 'Mul') return;
    const other = otherInput(v, mul, outputOf(v, add));
    if (other === x) {
      const half = soleConsumer(v, outputOf(v, mul));
      if (!g.free(half) || op(v, half) !== 'Mul' || !isConst(v, otherInput(v, half, outputOf(v, mul)) ?? '')) return;
      g.fuse(half, [div, e, add, mul], 'gelu', outputOf(v, half), 'Gelu');
      return;
    }
    const halfX = other === undefined ? undefined : v.producer.get(other);
    if (!g.free(halfX) || op(v, halfX) !== 'Mul' || soleConsumer(v, other!) !== mul) return;
    if (otherInput(v, halfX, x) === undefined || !isConst(v, otherInput(v, halfX, x)!)) return;
    g.fuse(mul, [div, e, add, halfX], 'gelu', outputOf(v, mul), 'Gelu');
  });
}

export function fuseLayerNorm(v: GraphView, g: Groups): void {
  v.nodes.forEach((n, r1) => {
    if (n.opType !== 'ReduceMean' || !g.free(r1)) return;
    const x = v.inputs[r1][0];
    const sub = (v.consumers.get(outputOf(v, r1)) ?? []).find((c) => op(v, c) === 'Sub' && v.inputs[c][0] === x);
    if (sub === undefined || !g.free(sub) || (v.consumers.get(outputOf(v, r1)) ?? []).length !== 1) return;
    const subUses = v.consumers.get(outputOf(v, sub)) ?? [];
    const pow = subUses.find((c) => op(v, c) === 'Pow');
    const div = subUses.find((c) => op(v, c) === 'Div');
    if (subUses.length !== 2 || pow === undefined || div === undefined) return;
    const r2 = soleConsumer(v, outputOf(v, pow));
    const eps = soleConsumer(v, outputOf(v, r2 ?? -1));
    const sqrt = soleConsumer(v, outputOf(v, eps ?? -1));
    if (op(v, r2) !== 'ReduceMean' || op(v, eps) !== 'Add' || op(v, sqrt) !== 'Sqrt') return;
    if (soleConsumer(v, outputOf(v, sqrt!)) !== div) return;
    const chain = [r1, sub, pow, r2!, eps!, sqrt!, div];
    let last = div;
    for (const affine of ['Mul', 'Add']) {
      const next = soleConsumer(v, outputOf(v, last));
      if (op(v, next) !== affine || !isConst(v, otherInput(v, next!, outputOf(v, last)) ?? '')) break;
      chain.push(next!);
      last = next!;
    }
    if (!chain.every((c) => g.free(c))) return;
    g.fuse(last, chain, 'layernorm', outputOf(v, last), 'LayerNorm');
  });
}

/** Add of two same-shaped activations whose only consumer is a LayerNormalization (SkipLayerNormalization). */
export function fuseSkipLayerNorm(v: GraphView, g: Groups): void {
  v.nodes.forEach((n, ln) => {
    if (n.opType !== 'LayerNormalization' || !g.free(ln)) return;
    const add = v.producer.get(v.inputs[ln][0]);
    if (!g.free(add) || op(v, add) !== 'Add' || soleConsumer(v, outputOf(v, add)) !== ln) return;
    const [s0, s1] = v.nodes[add].inputShapes;
    const same = !!s0 && !!s1 && s0.length === 3 && JSON.stringify(s0) === JSON.stringify(s1);
    if (!same || v.inputs[add].some((t) => isConst(v, t))) return;
    g.fuse(ln, [add], 'layernorm', outputOf(v, ln), `${n.name}/SkipLayerNormFusion`);
  });
}

export function fuseQuickGelu(v: GraphView, g: Groups): void {
  v.nodes.forEach((n, s) => {
    if (n.opType !== 'Sigmoid' || !g.free(s)) return;
    const x = v.inputs[s][0];
    const mul = soleConsumer(v, outputOf(v, s));
    if (!g.free(mul) || op(v, mul) !== 'Mul' || otherInput(v, mul, outputOf(v, s)) !== x) return;
    g.fuse(mul, [s], 'quickgelu', outputOf(v, mul), `${v.nodes[mul].name}/QuickGeluFusion/`);
  });
}

export function fuseMatMulTransposeScale(v: GraphView, g: Groups): void {
  v.nodes.forEach((n, m) => {
    if (n.opType !== 'MatMul' || !g.free(m)) return;
    const taken: number[] = [];
    let name = n.name;
    for (const t of v.inputs[m]) {
      const tr = v.producer.get(t);
      if (!g.free(tr) || op(v, tr) !== 'Transpose' || soleConsumer(v, t) !== m) continue;
      const perm = v.nodes[tr].attributes.perm;
      const p = perm?.kind === 'ints' ? perm.value : [];
      const r = p.length;
      const swapsLast = r >= 2 && p.every((x, i) => x === (i === r - 2 ? r - 1 : i === r - 1 ? r - 2 : i));
      if (swapsLast) taken.push(tr);
    }
    if (taken.length > 0) name += '/MatmulTransposeFusion/';
    let out = outputOf(v, m);
    const scale = soleConsumer(v, out);
    if (g.free(scale) && ['Mul', 'Div'].includes(op(v, scale)!)) {
      const k = otherInput(v, scale, out);
      if (k !== undefined && isConst(v, k) && isScalar(inputShapeOf(v, scale, k))) {
        taken.push(scale);
        out = outputOf(v, scale);
        name += '/MatMulScaleFusion/';
      }
    }
    if (taken.length > 0) g.fuse(m, taken, 'matmul', out, name);
  });
}

export function fuseSlicesToSplit(v: GraphView, g: Groups): void {
  for (const [t, users] of v.consumers) {
    if (users.length < 2 || v.graphOutputs.has(t)) continue;
    const slices = [...new Set(users)];
    if (slices.length !== users.length || !slices.every((s) => op(v, s) === 'Slice' && g.free(s))) continue;
    if (!slices.every((s) => v.inputs[s].slice(1).every((b) => isConst(v, b)))) continue;
    const last = Math.max(...slices);
    g.fuse(last, slices, 'data', outputOf(v, last), `${v.nodes[last].name}/GatherSliceToSplitFusion`);
  }
}

const FUSED_ACTIVATIONS = new Set(['Relu', 'Clip', 'Sigmoid', 'Tanh', 'LeakyRelu', 'HardSigmoid', 'HardSwish']);

/** Gemm + activation and Conv + activation, when the Gemm/Conv output has that one consumer. */
export function fuseActivations(v: GraphView, g: Groups): void {
  for (const group of g.list()) {
    if ((group.cls !== 'gemm' && group.cls !== 'conv') || group.activation) continue;
    if (v.nodes[group.main].opType === 'ConvTranspose') continue;
    const act = soleConsumer(v, group.out);
    const aop = op(v, act);
    if (!g.free(act) || !FUSED_ACTIVATIONS.has(aop!)) continue;
    if (group.cls === 'gemm' && !ACTIVATIONS.has(aop!)) continue;
    if (aop === 'Clip' && !v.inputs[act].slice(1).every((t) => isConst(v, t))) continue;
    g.fuse(group.main, [act], group.cls, outputOf(v, act));
    group.activation = aop;
  }
}

/**
 * transpose_optimizer: a Transpose whose only consumer is a Reshape is pushed through it (ORT's node keeps the
 * Reshape's name and does both), which is how a token block's [B,N,C] → [B,C,N] → [B,C,H,W] exit runs.
 * The main node stays the Transpose (it is the one that moves data).
 */
export function fuseTransposeReshape(v: GraphView, g: Groups): void {
  v.nodes.forEach((n, t) => {
    // Only rank-3 token transposes: a 4-D NCHW → NHWC one after an NCHWc conv becomes a ReorderOutput instead.
    const perm = n.attributes.perm;
    if (n.opType !== 'Transpose' || !g.free(t) || perm?.kind !== 'ints' || perm.value.length !== 3) return;
    const r = soleConsumer(v, outputOf(v, t));
    if (r === undefined || op(v, r) !== 'Reshape' || g.of(r)!.nodes.length !== 1 || v.inputs[r][0] !== outputOf(v, t))
      return;
    g.fuse(t, [r], 'data', outputOf(v, r), v.nodes[r].name);
  });
}
