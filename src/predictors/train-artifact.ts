/**
 * Trains a platform's predictor and packages it: the served MLP exported to ONNX, its leave-one-model-out
 * metrics beside both baselines', and the metadata the runtime needs. Shared by `npm run train:reference` and
 * POST /v1/platforms/{slug}/predictors, so a tenant's predictor is made exactly like the reference ones.
 */
import { FEATURE_NAMES, OpClass } from './encoding';
import { HeldOutModel, Metrics } from './metrics';
import { DEFAULT_MLP_OPTIONS, MlpOptions } from './mlp';
import { exportMlpToOnnx } from './onnx-export';
import { PredictorMode, TrainRow, trainPredictor } from './predictor';
import { PredictorArtifact } from './predictor-runtime';
import { evaluateAll } from './reference-eval';

/** One shared network with the class one-hot generalised better than per-class ones (bench/predictors). */
export const DEFAULT_MODE: PredictorMode = 'shared';

export interface TrainArtifactInput {
  id: string;
  slug: string;
  rows: TrainRow[];
  /** Models for leave-one-model-out; metrics need at least two. */
  heldOut: HeldOutModel[];
  sets: string[];
  /** Models with a whole-model time for the whole-model correction (default: heldOut). */
  wholeModels?: HeldOutModel[];
  mode?: PredictorMode;
  options?: MlpOptions;
  /** Called between phases, for progress. */
  onPhase?: (phase: 'evaluating' | 'training' | 'exporting') => void;
}

export interface TrainedArtifact {
  artifact: PredictorArtifact;
  /** ONNX bytes per network file named in `artifact.networks`. */
  networks: Record<string, Uint8Array>;
}

export async function trainArtifact(input: TrainArtifactInput): Promise<TrainedArtifact> {
  const started = Date.now();
  const mode = input.mode ?? DEFAULT_MODE;
  const options = input.options ?? DEFAULT_MLP_OPTIONS;
  const wholeModels = input.wholeModels ?? input.heldOut;
  input.onPhase?.('evaluating');
  const metrics: Record<string, Metrics> =
    input.heldOut.length >= 2 ? await evaluateAll(input.heldOut, input.rows, mode, options, wholeModels) : {};
  input.onPhase?.('training');
  const trained = await trainPredictor(input.rows, mode, options, wholeModels);
  input.onPhase?.('exporting');
  const files: Partial<Record<OpClass | 'shared', string>> = {};
  const networks: Record<string, Uint8Array> = {};
  for (const [key, mlp] of Object.entries(trained.networks)) {
    if (!mlp) continue;
    const file = `${input.slug}-${key}.onnx`;
    networks[file] = exportMlpToOnnx(mlp, `${input.slug.replace(/[^A-Za-z0-9_]/g, '_')}_${key}`);
    files[key as OpClass] = file;
  }
  const artifact: PredictorArtifact = {
    id: input.id,
    slug: input.slug,
    mode,
    featureNames: [...FEATURE_NAMES],
    networks: files,
    samples: trained.samples,
    clampLogUs: trained.clampLogUs,
    fallback: trained.fallback,
    ...(trained.wholeModel ? { wholeModel: trained.wholeModel } : {}),
    metrics,
    training: {
      ms: Date.now() - started,
      rows: input.rows.length,
      sets: input.sets,
      seed: options.seed,
      epochs: options.epochs,
      hidden: options.hidden,
      ensemble: options.ensemble ?? 1,
      batchSize: options.batchSize,
      learningRate: options.learningRate,
      weightDecay: options.weightDecay,
    },
  };
  return { artifact, networks };
}
