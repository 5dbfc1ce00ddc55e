/**
 * The blocks real networks are made of, as the kit's generator emits them. Each takes the running NCHW tensor and
 * returns the new one. BatchNorm stays unfused only where real exports keep it (pre-activation, DenseNet style:
 * BN → ReLU → Conv after a Concat); elsewhere a Conv carries its bias, as a PyTorch export with BN folded does.
 */
import { float, GraphBuilder, int, ints } from './graph-builder';

export type Activation = 'relu' | 'relu6' | 'hardswish' | 'silu' | 'sigmoid';

const out = (size: number, k: number, s: number, pad: number) => Math.floor((size + 2 * pad - k) / s) + 1;

export function conv(b: GraphBuilder, x: string, cOut: number, k: number, s = 1, groups = 1, bias = true): string {
  const [n, cIn, h, w] = b.shapeOf(x);
  const pad = Math.floor(k / 2);
  const ho = out(h, k, s, pad);
  const wo = out(w, k, s, pad);
  const weight = b.weight('w', [cOut, cIn / groups, k, k]);
  const inputs = bias ? [x, weight, b.weight('b', [cOut])] : [x, weight];
  const macs = n * cOut * ho * wo * (cIn / groups) * k * k;
  return b.op(
    'Conv',
    inputs,
    [n, cOut, ho, wo],
    [ints('kernel_shape', [k, k]), ints('strides', [s, s]), ints('pads', [pad, pad, pad, pad]), int('group', groups)],
    macs,
  );
}

export function activation(b: GraphBuilder, x: string, kind: Activation): string {
  const shape = b.shapeOf(x);
  switch (kind) {
    case 'relu':
      return b.op('Relu', [x], shape);
    case 'relu6':
      return b.op('Clip', [x, b.scalar('min', 0), b.scalar('max', 6)], shape);
    case 'hardswish':
      return b.op('HardSwish', [x], shape);
    case 'sigmoid':
      return b.op('Sigmoid', [x], shape);
    case 'silu':
      return b.op('Mul', [x, b.op('Sigmoid', [x], shape)], shape);
  }
}

export function batchNorm(b: GraphBuilder, x: string): string {
  const shape = b.shapeOf(x);
  const c = shape[1];
  const scale = b.weight('bn_scale', [c], (i) => 0.9 + (i % 7) * 0.03);
  const shift = b.weight('bn_bias', [c], (i) => ((i % 5) - 2) * 0.01);
  const mean = b.weight('bn_mean', [c], (i) => ((i % 3) - 1) * 0.01, false);
  const variance = b.weight('bn_var', [c], (i) => 1 + (i % 4) * 0.1, false);
  return b.op(
    'BatchNormalization',
    [x, scale, shift, mean, variance],
    shape,
    [float('epsilon', 1e-5)],
    2 * size(shape),
  );
}

const size = (shape: number[]) => shape.reduce((a, d) => a * d, 1);

export function convAct(b: GraphBuilder, x: string, cOut: number, k: number, s: number, act: Activation, g = 1) {
  return activation(b, conv(b, x, cOut, k, s, g), act);
}

export function maxPool(b: GraphBuilder, x: string): string {
  const [n, c, h, w] = b.shapeOf(x);
  const attrs = [ints('kernel_shape', [3, 3]), ints('strides', [2, 2]), ints('pads', [1, 1, 1, 1])];
  const shape = [n, c, out(h, 3, 2, 1), out(w, 3, 2, 1)];
  return b.op('MaxPool', [x], shape, attrs, size(shape) * 9);
}

export function avgPool(b: GraphBuilder, x: string): string {
  const [n, c, h, w] = b.shapeOf(x);
  const shape = [n, c, out(h, 2, 2, 0), out(w, 2, 2, 0)];
  return b.op('AveragePool', [x], shape, [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])], size(shape) * 4);
}

export function squeezeExcite(b: GraphBuilder, x: string, gate: 'sigmoid' | 'hardsigmoid'): string {
  const shape = b.shapeOf(x);
  const [n, c] = shape;
  const pooled = b.op('GlobalAveragePool', [x], [n, c, 1, 1], [], size(shape));
  const squeezed = activation(b, conv(b, pooled, Math.max(8, Math.floor(c / 4)), 1), 'relu');
  const expanded = conv(b, squeezed, c, 1);
  const gated =
    gate === 'sigmoid' ? b.op('Sigmoid', [expanded], [n, c, 1, 1]) : b.op('HardSigmoid', [expanded], [n, c, 1, 1]);
  return b.op('Mul', [x, gated], shape);
}

export function channelShuffle(b: GraphBuilder, x: string, groups: number): string {
  const [n, c, h, w] = b.shapeOf(x);
  const split = b.op(
    'Reshape',
    [x, b.int64s('shape', [n, groups, c / groups, h, w])],
    [n, groups, c / groups, h, w],
    [],
    0,
  );
  const swapped = b.op('Transpose', [split], [n, c / groups, groups, h, w], [ints('perm', [0, 2, 1, 3, 4])], 0);
  return b.op('Reshape', [swapped, b.int64s('shape', [n, c, h, w])], [n, c, h, w], [], 0);
}

export function concat(b: GraphBuilder, parts: string[]): string {
  const shapes = parts.map((p) => b.shapeOf(p));
  const [n, , h, w] = shapes[0];
  const c = shapes.reduce((sum, s) => sum + s[1], 0);
  return b.op('Concat', parts, [n, c, h, w], [int('axis', 1)], 0);
}

/** DenseNet layer: BN → ReLU → 1×1 → BN → ReLU → 3×3 (growth), concatenated onto its input. */
export function denseLayer(b: GraphBuilder, x: string, growth: number): string {
  const bottleneck = conv(b, activation(b, batchNorm(b, x), 'relu'), 4 * growth, 1, 1, 1, false);
  const fresh = conv(b, activation(b, batchNorm(b, bottleneck), 'relu'), growth, 3, 1, 1, false);
  return concat(b, [x, fresh]);
}

/** DenseNet transition: BN → ReLU → 1×1 (halves the channels) → 2×2 average pool. */
export function transition(b: GraphBuilder, x: string): string {
  const c = b.shapeOf(x)[1];
  return avgPool(b, conv(b, activation(b, batchNorm(b, x), 'relu'), Math.max(8, Math.floor(c / 2)), 1, 1, 1, false));
}

export function add(b: GraphBuilder, x: string, y: string): string {
  return b.op('Add', [x, y], b.shapeOf(x));
}

/** Linear layer over tokens [1, T, C]: MatMul with a [C, D] weight, then Add of the bias (as a PyTorch export). */
export function linear(b: GraphBuilder, x: string, d: number): string {
  const [n, t, c] = b.shapeOf(x);
  const product = b.op('MatMul', [x, b.weight('w', [c, d])], [n, t, d], [], n * t * c * d);
  return b.op('Add', [product, b.weight('b', [d])], [n, t, d]);
}

export function layerNorm(b: GraphBuilder, x: string): string {
  const shape = b.shapeOf(x);
  const c = shape[shape.length - 1];
  const scale = b.weight('ln_scale', [c], () => 1);
  const bias = b.weight('ln_bias', [c], () => 0.01);
  return b.op(
    'LayerNormalization',
    [x, scale, bias],
    shape,
    [int('axis', -1), float('epsilon', 1e-5)],
    5 * size(shape),
  );
}

/** GELU as exported at opset 17: x · ½ · (1 + erf(x / √2)), which ONNX Runtime fuses into one Gelu kernel. */
export function gelu(b: GraphBuilder, x: string): string {
  const shape = b.shapeOf(x);
  const scaled = b.op('Div', [x, b.scalar('sqrt2', Math.SQRT2)], shape);
  const erf = b.op('Erf', [scaled], shape);
  const shifted = b.op('Add', [erf, b.scalar('one', 1)], shape);
  return b.op('Mul', [b.op('Mul', [x, shifted], shape), b.scalar('half', 0.5)], shape);
}

/** Self-attention over tokens [1, T, C] with one head: qkv projection, softmax(q·kᵀ/√C)·v, output projection. */
export function attention(b: GraphBuilder, x: string): string {
  const [n, t, c] = b.shapeOf(x);
  const qkv = linear(b, x, 3 * c);
  const [q, k, v] = b.multi(
    'Split',
    [qkv, b.int64s('split', [c, c, c])],
    [
      [n, t, c],
      [n, t, c],
      [n, t, c],
    ],
    [int('axis', 2)],
  );
  const kT = b.op('Transpose', [k], [n, c, t], [ints('perm', [0, 2, 1])], 0);
  const scores = b.op('MatMul', [q, kT], [n, t, t], [], n * t * t * c);
  const scaled = b.op('Mul', [scores, b.scalar('scale', 1 / Math.sqrt(c))], [n, t, t]);
  const weights = b.op('Softmax', [scaled], [n, t, t], [int('axis', -1)], 3 * n * t * t);
  const mixed = b.op('MatMul', [weights, v], [n, t, c], [], n * t * t * c);
  return linear(b, mixed, c);
}

/** A transformer block over the H·W tokens of an NCHW map, returned as NCHW again. */
export function tokenBlock(b: GraphBuilder, x: string, withAttention: boolean): string {
  const [n, c, h, w] = b.shapeOf(x);
  const flat = b.op('Reshape', [x, b.int64s('shape', [n, c, h * w])], [n, c, h * w], [], 0);
  let tokens = b.op('Transpose', [flat], [n, h * w, c], [ints('perm', [0, 2, 1])], 0);
  if (withAttention) tokens = add(b, tokens, attention(b, layerNorm(b, tokens)));
  const mlp = linear(b, gelu(b, linear(b, layerNorm(b, tokens), 4 * c)), c);
  tokens = add(b, tokens, mlp);
  const back = b.op('Transpose', [tokens], [n, c, h * w], [ints('perm', [0, 2, 1])], 0);
  return b.op('Reshape', [back, b.int64s('shape', [n, c, h, w])], [n, c, h, w], [], 0);
}

/** Classifier head: global average pool → flatten → fully connected. */
export function head(b: GraphBuilder, x: string, classes: number): string {
  const shape = b.shapeOf(x);
  const [n, c] = shape;
  const pooled = b.op('GlobalAveragePool', [x], [n, c, 1, 1], [], size(shape));
  const flat = b.op('Flatten', [pooled], [n, c], [int('axis', 1)], 0);
  return b.op(
    'Gemm',
    [flat, b.weight('w', [classes, c]), b.weight('b', [classes])],
    [n, classes],
    [int('transB', 1)],
    n * c * classes,
  );
}
