/**
 * A small MLP regressor (ReLU hidden layers, linear output) on log-scaled features, target ln(latency µs), as in
 * the paper's per-platform predictor. Trained with tfjs-layers on the wasm backend: the same numerics on every
 * host, no native build. Deterministic: seeded initialisers, rows permuted once by a seeded PRNG, no shuffle.
 * The trained network is returned as plain folded weights (standardisation folded into the first layer), which
 * is what is stored, exported to ONNX and evaluated in JS.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-wasm';

export interface MlpOptions {
  hidden: number[];
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
}

export const DEFAULT_MLP_OPTIONS: MlpOptions = {
  hidden: [48, 48],
  epochs: 30,
  batchSize: 64,
  learningRate: 3e-3,
  seed: 7,
};

/** Dense layers with ReLU between them and a linear output; weights[i][j] joins input i to unit j. */
export interface FoldedMlp {
  inputSize: number;
  layers: { weights: number[][]; bias: number[] }[];
}

export interface TrainedMlp {
  folded: FoldedMlp;
  /** The tfjs model's own output (ln µs) for raw feature rows: the reference the ONNX export is checked against. */
  predictTf(x: Float64Array[]): Float32Array;
  dispose(): void;
}

let backendReady: Promise<void> | undefined;
/** The wasm backend, once per process. */
export function ensureWasmBackend(): Promise<void> {
  backendReady ??= tf.setBackend('wasm').then((ok) => {
    if (!ok) throw new Error('tfjs wasm backend failed to initialise');
  });
  return backendReady;
}

/** mulberry32: a tiny seeded PRNG, enough for a reproducible row permutation. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function standardisation(x: Float64Array[], n: number): { mean: number[]; std: number[] } {
  const mean = new Array<number>(n).fill(0);
  const std = new Array<number>(n).fill(0);
  for (const row of x) for (let j = 0; j < n; j++) mean[j] += row[j] / x.length;
  for (const row of x) for (let j = 0; j < n; j++) std[j] += (row[j] - mean[j]) ** 2 / x.length;
  // A constant feature (std 0) is left unscaled rather than divided by zero.
  return { mean, std: std.map((v) => (v > 1e-12 ? Math.sqrt(v) : 1)) };
}

export async function trainMlp(
  x: Float64Array[],
  latencyUs: number[],
  options: MlpOptions = DEFAULT_MLP_OPTIONS,
): Promise<TrainedMlp> {
  await ensureWasmBackend();
  const n = x[0]?.length ?? 0;
  const { mean, std } = standardisation(x, n);
  const rand = seededRandom(options.seed);
  const order = x.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const xs = new Float32Array(order.length * n);
  const ys = new Float32Array(order.length);
  order.forEach((r, i) => {
    for (let j = 0; j < n; j++) xs[i * n + j] = (x[r][j] - mean[j]) / std[j];
    ys[i] = Math.log(Math.max(latencyUs[r], 0.1));
  });
  const model = tfl.sequential();
  options.hidden.forEach((units, i) =>
    model.add(
      tfl.layers.dense({
        units,
        activation: 'relu',
        inputShape: i === 0 ? [n] : undefined,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: options.seed + i }),
      }),
    ),
  );
  model.add(
    tfl.layers.dense({ units: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: options.seed + 99 }) }),
  );
  model.compile({ optimizer: tf.train.adam(options.learningRate), loss: 'meanSquaredError' });
  const xt = tf.tensor2d(xs, [order.length, n]);
  const yt = tf.tensor2d(ys, [order.length, 1]);
  await model.fit(xt, yt, { epochs: options.epochs, batchSize: options.batchSize, shuffle: false, verbose: 0 });
  xt.dispose();
  yt.dispose();
  const layers = model.layers.map((layer) => {
    const [kernel, bias] = layer.getWeights();
    return { weights: kernel.arraySync() as number[][], bias: bias.arraySync() as number[] };
  });
  return {
    folded: foldStandardisation(n, layers, mean, std),
    predictTf(rows) {
      return tf.tidy(() => {
        const flat = new Float32Array(rows.length * n);
        rows.forEach((row, i) => row.forEach((v, j) => (flat[i * n + j] = (v - mean[j]) / std[j])));
        const out = model.predict(tf.tensor2d(flat, [rows.length, n])) as tf.Tensor;
        return out.dataSync() as Float32Array;
      });
    },
    dispose: () => model.dispose(),
  };
}

/** z = (x − μ)/σ feeds W: W' = W / σ (row-wise), b' = b − Σ_i μ_i/σ_i · W_i, so the network takes raw features. */
export function foldStandardisation(n: number, layers: FoldedMlp['layers'], mean: number[], std: number[]): FoldedMlp {
  const [first, ...rest] = layers;
  const weights = first.weights.map((row, i) => row.map((w) => w / std[i]));
  const bias = first.bias.map((b, j) => b - first.weights.reduce((s, row, i) => s + (mean[i] / std[i]) * row[j], 0));
  return { inputSize: n, layers: [{ weights, bias }, ...rest] };
}

/** Forward pass in float64 (ln µs): used for evaluation, where spinning up ORT per fold would only add time. */
export function forward(mlp: FoldedMlp, x: Float64Array): number {
  let a: ArrayLike<number> = x;
  mlp.layers.forEach((layer, li) => {
    const out = layer.bias.slice();
    for (let i = 0; i < layer.weights.length; i++) {
      const ai = a[i];
      if (ai !== 0) for (let j = 0; j < out.length; j++) out[j] += ai * layer.weights[i][j];
    }
    a = li < mlp.layers.length - 1 ? out.map((v) => Math.max(v, 0)) : out;
  });
  return a[0];
}
