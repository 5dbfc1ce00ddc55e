/**
 * A trained latency predictor, before export: one MLP per operator class (or one shared MLP with the class as a
 * one-hot input), and a fallback for classes too rare to learn. Pure: the ORT runtime is predictor-runtime.ts.
 */
import { NodeFeatures } from '../onnx/types';
import { encodeNode, OP_CLASSES, OpClass, withClassOneHot } from './encoding';
import { combineMlps, DEFAULT_MLP_OPTIONS, FoldedMlp, forward, MlpOptions, trainMlp } from './mlp';
import { fitRoofline, Roofline, rooflineUs } from './roofline';

export interface TrainRow {
  model: string;
  features: NodeFeatures;
  us: number;
}

export type PredictorMode = 'per-class' | 'shared';

/**
 * Below this many training rows a class gets no network of its own: it falls back to medians (per op type, then
 * per class). With ~8 distinct shapes an MLP memorises them and extrapolates wildly to new sizes.
 */
export const MIN_CLASS_SAMPLES = 40;

/** Median µs per op type, per class, and overall: the fallback for rare classes and op types never seen. */
export interface Fallback {
  opMedianUs: Record<string, number>;
  classMedianUs: Record<string, number>;
  globalMedianUs: number;
}

export interface TrainedPredictor {
  mode: PredictorMode;
  /** Per-class networks (mode per-class) or one network under the key `shared`. */
  networks: Partial<Record<OpClass | 'shared', FoldedMlp>>;
  samples: Partial<Record<OpClass, number>>;
  /**
   * Per class, the [min, max] of ln µs seen in training. Network outputs are clamped to it: a ReLU network
   * extrapolates linearly in log space, i.e. as a power law, and on a shape far outside the training set that
   * power law can overshoot by orders of magnitude; the measured range is a safe envelope.
   */
  clampLogUs: Partial<Record<OpClass, [number, number]>>;
  fallback: Fallback;
  /** Per-platform whole-model correction folded into every node (fitWholeModelCorrection); absent: none. */
  wholeModel?: WholeModelCorrection;
  /**
   * Present: networks, clamp ranges and fallback medians are in units of the node's roofline time (roofline.ts),
   * and a prediction is that residual times rooflineUs. Absent: they are in µs.
   */
  roofline?: Roofline;
}

/**
 * Profiled node times do not add up to the whole model (profiler cost per node, thread-pool wake-ups; on the GPU,
 * functional ops without a row of their own and eager launch gaps). Fitted on the training models' whole-model
 * rows: whole ≈ scale·Σ predicted, by least squares on the relative error, and folded into every node as
 * scale·p, so the sum over any segment is that segment's corrected prediction. A per-node constant term as well
 * (whole ≈ a·Σp + b·nodes) fitted b < 0 (−14 µs on ref-cpu1), which drove small nodes to the floor and cost
 * node accuracy on every platform (bench/predictors, issue 4): scale only.
 */
export interface WholeModelCorrection {
  scale: number;
  /** Models it was fitted on. */
  models: number;
}

/** A model graph with its comparable whole-model time (µs), for the correction. */
export interface WholeModelRow {
  model: string;
  features: NodeFeatures[];
  wholeUs?: number;
}

export const MIN_CORRECTION_MODELS = 4;

export function fitWholeModelCorrection(
  sums: { predictedUs: number; wholeUs: number }[],
): WholeModelCorrection | undefined {
  if (sums.length < MIN_CORRECTION_MODELS) return undefined;
  // Minimise Σ(s·S/W − 1)²: s = Σ(S/W) / Σ(S/W)².
  const ratios = sums
    .map(({ predictedUs, wholeUs }) => predictedUs / wholeUs)
    .filter((r) => r > 0 && Number.isFinite(r));
  const scale = ratios.reduce((s, r) => s + r, 0) / ratios.reduce((s, r) => s + r * r, 0);
  return ratios.length >= MIN_CORRECTION_MODELS && scale > 0 ? { scale, models: ratios.length } : undefined;
}

export function correctedUs(c: WholeModelCorrection | undefined, us: number): number {
  return c ? c.scale * us : us;
}

/** Clamps ln µs to the class's training range (no range: unchanged) and returns µs. */
export function clampedUs(
  clamp: Partial<Record<OpClass, [number, number]>> | undefined,
  cls: OpClass,
  logUs: number,
): number {
  const range = clamp?.[cls];
  return Math.exp(range ? Math.min(Math.max(logUs, range[0]), range[1]) : logUs);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? 0 : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export function fitFallback(rows: TrainRow[]): Fallback {
  const group = (key: (r: TrainRow) => string): Record<string, number> => {
    const by = new Map<string, number[]>();
    for (const r of rows) by.set(key(r), [...(by.get(key(r)) ?? []), r.us]);
    return Object.fromEntries([...by].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, median(v)]));
  };
  return {
    opMedianUs: group((r) => r.features.opType),
    classMedianUs: group((r) => encodeNode(r.features).cls),
    globalMedianUs: median(rows.map((r) => r.us)),
  };
}

export function fallbackUs(fb: Fallback, f: NodeFeatures, cls: OpClass): number {
  return fb.opMedianUs[f.opType] ?? fb.classMedianUs[cls] ?? fb.globalMedianUs;
}

export interface TrainOptions {
  /** Learn the residual over a roofline prior fitted on the rows (see roofline.ts). */
  roofline?: boolean;
}

export async function trainPredictor(
  rows: TrainRow[],
  mode: PredictorMode = 'per-class',
  options: MlpOptions = DEFAULT_MLP_OPTIONS,
  wholeModels: WholeModelRow[] = [],
  train: TrainOptions = {},
): Promise<TrainedPredictor> {
  const timed = rows.filter((r) => !r.features.isConstant && r.us > 0);
  const roofline = train.roofline ? fitRoofline(timed) : undefined;
  // With a roofline, every quantity below (targets, clamp ranges, fallback medians) is a residual.
  const usable = roofline ? timed.map((r) => ({ ...r, us: r.us / rooflineUs(roofline, r.features) })) : timed;
  const encoded = usable.map((r) => ({ e: encodeNode(r.features), us: r.us }));
  const samples: Partial<Record<OpClass, number>> = {};
  const clampLogUs: Partial<Record<OpClass, [number, number]>> = {};
  for (const { e, us } of encoded) {
    samples[e.cls] = (samples[e.cls] ?? 0) + 1;
    const [lo, hi] = clampLogUs[e.cls] ?? [Infinity, -Infinity];
    clampLogUs[e.cls] = [Math.min(lo, Math.log(us)), Math.max(hi, Math.log(us))];
  }
  const networks: TrainedPredictor['networks'] = {};
  const fit = async (xs: Float64Array[], ys: number[]): Promise<FoldedMlp> => {
    const nets: FoldedMlp[] = [];
    for (let k = 0; k < Math.max(options.ensemble ?? 1, 1); k++) {
      const trained = await trainMlp(xs, ys, { ...options, seed: options.seed + k });
      trained.dispose();
      nets.push(trained.folded);
    }
    return combineMlps(nets);
  };
  if (mode === 'shared') {
    networks.shared = await fit(
      encoded.map(({ e }) => withClassOneHot(e)),
      encoded.map(({ us }) => us),
    );
  } else {
    for (const cls of OP_CLASSES) {
      const subset = encoded.filter(({ e }) => e.cls === cls);
      if (subset.length < MIN_CLASS_SAMPLES) continue;
      networks[cls] = await fit(
        subset.map(({ e }) => e.x),
        subset.map(({ us }) => us),
      );
    }
  }
  const raw: TrainedPredictor = {
    mode,
    networks,
    samples,
    clampLogUs,
    fallback: fitFallback(usable),
    ...(roofline ? { roofline } : {}),
  };
  const trainedOn = new Set(rows.map((r) => r.model));
  const sums = wholeModels
    .filter((w) => trainedOn.has(w.model) && w.wholeUs !== undefined && w.wholeUs > 0)
    .map((w) => ({
      predictedUs: predictJs(raw, w.features).reduce((a, b) => a + b, 0),
      wholeUs: w.wholeUs ?? 0,
    }));
  const wholeModel = fitWholeModelCorrection(sums);
  return wholeModel ? { ...raw, wholeModel } : raw;
}

/** Which network input a node gets, or undefined when it falls back. */
export function networkInput(
  p: { mode: PredictorMode; networks: Partial<Record<OpClass | 'shared', unknown>> },
  f: NodeFeatures,
): { key: OpClass | 'shared'; x: Float64Array } | undefined {
  const e = encodeNode(f);
  if (p.mode === 'shared') return p.networks.shared ? { key: 'shared', x: withClassOneHot(e) } : undefined;
  return p.networks[e.cls] ? { key: e.cls, x: e.x } : undefined;
}

/** µs per node in JS (float64): constant nodes 0, networks where they exist, the fallback elsewhere. */
export function predictJs(p: TrainedPredictor, features: NodeFeatures[]): Float64Array {
  return Float64Array.from(features, (f) => {
    if (f.isConstant) return 0;
    const input = networkInput(p, f);
    const net = input && p.networks[input.key];
    const cls = encodeNode(f).cls;
    const us = input && net ? clampedUs(p.clampLogUs, cls, forward(net, input.x)) : fallbackUs(p.fallback, f, cls);
    return correctedUs(p.wholeModel, us * rooflineUs(p.roofline, f));
  });
}
