/**
 * Random benchmark models for a device's profiling kit, deterministic from a seed (the same seed gives the same
 * bytes on every machine). They are built from the blocks real networks use, with the ones today's reference
 * training data lacks weighted up (unfused BatchNorm, Concat, Reshape/Transpose, attention), at sizes from phone
 * to server inputs. Each model is kept under a compute and a parameter budget so that a kit of 100 profiles in
 * well under 30 minutes on one core (bench/kit prints the time per size).
 */
import { seededRandom } from '../common/seeded-random';
import {
  Activation,
  add,
  avgPool,
  channelShuffle,
  conv,
  convAct,
  denseLayer,
  head,
  maxPool,
  squeezeExcite,
  tokenBlock,
  transition,
} from './blocks';
import { GraphBuilder } from './graph-builder';

export const INPUT_SIZES = [56, 64, 96, 112, 128, 160, 192, 224, 256, 288, 320];
/** Most MACs a model may have (its blocks stop being added past it): about 0.5 s a run on one core, unfused. */
export const MAX_MACS = 1.2e9;
/** Most parameters: 12 MB of float32 weights. */
export const MAX_PARAMS = 3e6;

export type BlockKind =
  'conv' | 'grouped' | 'dwsep' | 'shuffle' | 'dense' | 'mbconv' | 'residual' | 'pool' | 'tokens' | 'attention';

const BLOCK_KINDS: BlockKind[] = [
  'conv',
  'grouped',
  'dwsep',
  'shuffle',
  'dense',
  'mbconv',
  'residual',
  'pool',
  'tokens',
  'attention',
];

export interface GeneratedModel {
  /** `kit-<seed>`: the file is `<name>.onnx`. */
  name: string;
  seed: number;
  inputShape: number[];
  blocks: BlockKind[];
  macs: number;
  params: number;
  bytes: Uint8Array;
}

/** The seed of the i-th model of a kit: distinct per (kit seed, index), stable across kit sizes. */
export function kitModelSeed(kitSeed: number, index: number): number {
  return (Math.imul(kitSeed >>> 0, 0x9e3779b1) + Math.imul(index + 1, 0x85ebca6b)) >>> 0;
}

export function generateKitModels(count: number, kitSeed: number): GeneratedModel[] {
  return Array.from({ length: count }, (_, i) => generateModel(kitModelSeed(kitSeed, i)));
}

export function generateModel(seed: number): GeneratedModel {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const b = new GraphBuilder(seededRandom(seed ^ 0x5bd1e995));
  const size = pick(INPUT_SIZES);
  const input = b.declare('input', [1, 3, size, size]);
  // A compute target drawn log-uniformly, so small phone-sized and heavy server-sized models both appear.
  const budget = Math.exp(Math.log(3e7) + random() * (Math.log(MAX_MACS) - Math.log(3e7)));
  const activations: Activation[] = ['relu', 'relu6', 'hardswish', 'silu'];
  const act = pick(activations);

  const stemChannels = pick([8, 16, 24, 32, 48, 64]);
  let x = convAct(b, input, stemChannels, pick([3, 5, 7]), 2, act);
  if (size >= 160 && random() < 0.5) x = maxPool(b, x);

  const blocks: BlockKind[] = [];
  const depth = 4 + Math.floor(random() * 14);
  for (let i = 0; i < depth && b.macs < budget && b.params < MAX_PARAMS; i++) {
    const kind = pick(BLOCK_KINDS);
    const next = addBlock(b, x, kind, random, act);
    if (next === null) continue;
    x = next;
    blocks.push(kind);
  }
  const output = head(b, x, pick([10, 100, 1000]));
  const name = `kit-${seed}`;
  return {
    name,
    seed,
    inputShape: [1, 3, size, size],
    blocks,
    macs: b.macs,
    params: b.params,
    bytes: b.encode(name, input, output),
  };
}

/** Widest channel count for a map of this size: keeps every activation near 0.4 M elements at most. */
const channelCap = (hw: number) => Math.max(16, Math.min(1024, Math.floor(400_000 / (hw * hw))));
const roundTo8 = (c: number) => Math.max(8, Math.round(c / 8) * 8);

/** Appends one block, or returns null when it does not fit the running tensor (its size, channels). */
function addBlock(b: GraphBuilder, x: string, kind: BlockKind, random: () => number, act: Activation): string | null {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const [, c, hw] = b.shapeOf(x);
  const cap = channelCap(hw);
  const stride = hw > 7 && random() < 0.3 ? 2 : 1;
  const wider = Math.min(cap, roundTo8(c * pick([1, 1, 1.5, 2, 2])));
  switch (kind) {
    case 'conv':
      return convAct(b, x, wider, pick([1, 3, 3, 5]), stride, act);
    case 'grouped': {
      const groups = pick([2, 4, 8].filter((g) => c % g === 0 && wider % g === 0));
      return groups === undefined ? null : convAct(b, x, wider, 3, stride, act, groups);
    }
    case 'dwsep': {
      const depthwise = convAct(b, x, c, pick([3, 5, 7]), stride, act, c);
      return convAct(b, depthwise, wider, 1, 1, act);
    }
    case 'shuffle': {
      const groups = pick([2, 4].filter((g) => c % g === 0 && c / g >= 4));
      if (groups === undefined) return null;
      const grouped = convAct(b, x, c, 1, 1, 'relu', groups);
      return conv(b, channelShuffle(b, grouped, groups), c, 3, 1, c);
    }
    case 'dense': {
      const growth = pick([12, 16, 32]);
      let y = x;
      for (let l = 0, layers = 2 + Math.floor(random() * 4); l < layers && b.shapeOf(y)[1] + growth <= cap; l++) {
        y = denseLayer(b, y, growth);
      }
      return hw >= 14 ? transition(b, y) : y;
    }
    case 'mbconv': {
      const expanded = Math.min(cap * 2, c * pick([3, 4, 6]));
      let y = convAct(b, x, expanded, 1, 1, act);
      y = convAct(b, y, expanded, pick([3, 5]), 1, act, expanded);
      if (random() < 0.6) y = squeezeExcite(b, y, act === 'hardswish' ? 'hardsigmoid' : 'sigmoid');
      return add(b, x, conv(b, y, c, 1));
    }
    case 'residual': {
      const y = conv(b, convAct(b, x, c, 3, 1, act), c, 3);
      return b.op('Relu', [add(b, x, y)], b.shapeOf(x));
    }
    case 'pool':
      if (hw <= 7) return null;
      return random() < 0.5 ? maxPool(b, x) : avgPool(b, x);
    case 'tokens':
    case 'attention': {
      // Tokens over large maps would dwarf everything else: downsample first, as hybrid networks do.
      let y = x;
      while (b.shapeOf(y)[2] > (kind === 'attention' ? 14 : 28)) y = convAct(b, y, Math.min(512, wider), 3, 2, act);
      if (b.shapeOf(y)[1] > 512) return null;
      return tokenBlock(b, y, kind === 'attention');
    }
  }
}
