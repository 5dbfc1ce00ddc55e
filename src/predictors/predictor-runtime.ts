/**
 * Runs a stored predictor with onnxruntime-node: one ORT session per (predictor, network), cached; all nodes of
 * a model that share a network go through it in one batched run. Constant nodes are 0 µs; nodes whose class has
 * no network get the stored fallback medians.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { NodeFeatures } from '../onnx/types';
import { encodeNode, OpClass } from './encoding';
import { Metrics } from './metrics';
import {
  clampedUs,
  correctedUs,
  Fallback,
  fallbackUs,
  networkInput,
  PredictorMode,
  WholeModelCorrection,
} from './predictor';
import { Roofline, rooflineUs } from './roofline';

/** The JSON stored beside the ONNX files (`<slug>.json`). */
export interface PredictorArtifact {
  id: string;
  slug: string;
  mode: PredictorMode;
  featureNames: string[];
  /** Network key → ONNX file name, relative to the artifact's folder. */
  networks: Partial<Record<OpClass | 'shared', string>>;
  samples: Partial<Record<OpClass, number>>;
  /** Per class [min, max] ln µs of the training rows; outputs are clamped to it (absent in older artifacts). */
  clampLogUs?: Partial<Record<OpClass, [number, number]>>;
  fallback: Fallback;
  /** Whole-model correction folded into every node's µs (absent in older artifacts: none). */
  wholeModel?: WholeModelCorrection;
  /** Present: the networks predict the residual over this roofline (absent in older artifacts: plain µs). */
  roofline?: Roofline;
  metrics: Record<string, Metrics>;
  training: {
    ms: number;
    rows: number;
    sets: string[];
    seed: number;
    epochs: number;
    hidden: number[];
    /** Seeds averaged into the one network (absent: 1). */
    ensemble?: number;
    batchSize?: number;
    learningRate?: number;
    weightDecay?: number;
    /** What the networks learnt: µs, or the residual over the roofline (absent in older artifacts: latency). */
    target?: 'latency' | 'roofline-residual';
    /** Leave-one-model-out time-weighted error of each candidate target, when it was chosen on them. */
    targetTimeWeightedError?: Record<string, number>;
  };
}

export interface LoadedPredictor {
  artifact: PredictorArtifact;
  /** Predicted µs per node, in the order given. */
  predict(features: NodeFeatures[]): Promise<Float64Array>;
}

interface CachedSession {
  session: Promise<ort.InferenceSession>;
  /** Runs under way; a retired session is released when the last one ends, never under a running inference. */
  running: number;
  retired: boolean;
}

/** ORT sessions by `<artifact id>:<network>`; a predictor's go when it is superseded (releasePredictor). */
const sessions = new Map<string, CachedSession>();

function cachedSession(key: string, onnx: () => Uint8Array): CachedSession {
  let s = sessions.get(key);
  if (!s) {
    s = { session: ort.InferenceSession.create(onnx(), { intraOpNumThreads: 1 }), running: 0, retired: false };
    sessions.set(key, s);
  }
  return s;
}

async function runOn(
  cached: CachedSession,
  feeds: Record<string, ort.Tensor>,
): Promise<ort.InferenceSession.ReturnType> {
  cached.running++;
  try {
    return await (await cached.session).run(feeds);
  } finally {
    cached.running--;
    if (cached.retired && cached.running === 0) await releaseQuietly(cached);
  }
}

async function releaseQuietly(cached: CachedSession): Promise<void> {
  try {
    await (await cached.session).release();
  } catch {
    // a session that failed to load has nothing to release
  }
}

/** The number of ORT sessions held (for tests of eviction). */
export function cachedSessionCount(): number {
  return sessions.size;
}

/** Drops the ORT sessions of one predictor (superseded by a newer one), each once its running inferences end. */
export async function releasePredictor(artifactId: string): Promise<void> {
  for (const [key, cached] of [...sessions]) {
    if (!key.startsWith(`${artifactId}:`)) continue;
    sessions.delete(key);
    cached.retired = true;
    if (cached.running === 0) await releaseQuietly(cached);
  }
}

/** Loads `<dir>/<slug>.json` and returns a predictor backed by cached ORT sessions. */
export function loadPredictor(dir: string, slug: string): LoadedPredictor {
  const artifact = JSON.parse(readFileSync(join(dir, `${slug}.json`), 'utf8')) as PredictorArtifact;
  return predictorFromArtifact(artifact, (file) => readFileSync(join(dir, file)));
}

/**
 * A predictor whose network files come from `readNetwork` (the reference directory, or the database for a
 * tenant's trained predictors). Sessions are cached by artifact id, so ids must be unique per trained predictor.
 */
export function predictorFromArtifact(
  artifact: PredictorArtifact,
  readNetwork: (file: string) => Uint8Array,
): LoadedPredictor {
  const available = { mode: artifact.mode, networks: artifact.networks };
  return {
    artifact,
    async predict(features) {
      const out = new Float64Array(features.length);
      const batches = new Map<
        OpClass | 'shared',
        { index: number[]; cls: OpClass[]; x: Float64Array[]; roofUs: number[] }
      >();
      features.forEach((f, i) => {
        if (f.isConstant) return;
        const input = networkInput(available, f);
        if (!input) {
          const residual = fallbackUs(artifact.fallback, f, encodeNode(f).cls);
          out[i] = correctedUs(artifact.wholeModel, residual * rooflineUs(artifact.roofline, f));
          return;
        }
        const b = batches.get(input.key) ?? { index: [], cls: [], x: [], roofUs: [] };
        b.index.push(i);
        b.cls.push(encodeNode(f).cls);
        b.x.push(input.x);
        b.roofUs.push(rooflineUs(artifact.roofline, f));
        batches.set(input.key, b);
      });
      for (const [key, b] of batches) {
        const file = artifact.networks[key];
        if (!file) continue;
        const cached = cachedSession(`${artifact.id}:${key}`, () => readNetwork(file));
        const width = b.x[0].length;
        const flat = new Float32Array(b.x.length * width);
        b.x.forEach((row, r) => flat.set(row, r * width));
        const result = await runOn(cached, { x: new ort.Tensor('float32', flat, [b.x.length, width]) });
        const logUs = result.log_us.data as Float32Array;
        b.index.forEach((i, r) => {
          const residual = clampedUs(artifact.clampLogUs, b.cls[r], logUs[r]);
          out[i] = correctedUs(artifact.wholeModel, residual * b.roofUs[r]);
        });
      }
      return out;
    },
  };
}

/** Drops the cached sessions (tests, or a predictor replaced at run time). */
export async function releaseSessions(): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  for (const s of all) await releaseQuietly(s);
}
