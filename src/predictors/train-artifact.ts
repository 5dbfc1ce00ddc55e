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
import { evaluateAll, PREDICTOR_TARGETS, PredictorTarget, trainOptionsFor } from './reference-eval';

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
  /** Called as work completes: the share done (0..1) and the step now starting. */
  onProgress?: (fraction: number, step: string) => void;
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
  const evaluate = input.heldOut.length >= 2;
  // Leave-one-model-out passes (the MLP per target, two baselines), one fold per model; then the final fit, export.
  const folds = evaluate ? (PREDICTOR_TARGETS.length + 2) * input.heldOut.length : 0;
  const steps = folds + 2;
  let done = 0;
  const report = (step: string) => input.onProgress?.(done / steps, step);
  const foldDone = () => {
    done++;
    report(done < folds ? `leave-one-model-out: fold ${done} of ${folds}` : 'training on every model');
  };
  report(evaluate ? `leave-one-model-out: fold 1 of ${folds}` : 'training on every model');
  const evaluation = evaluate
    ? await evaluateAll(input.heldOut, input.rows, mode, options, wholeModels, foldDone)
    : undefined;
  const metrics: Record<string, Metrics> = evaluation?.metrics ?? {};
  // Without two models to hold out there is nothing to choose on: plain latency, the long-standing default.
  const target: PredictorTarget = evaluation?.target ?? 'latency';
  const trained = await trainPredictor(input.rows, mode, options, wholeModels, trainOptionsFor(target));
  done++;
  report('exporting to ONNX');
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
    ...(trained.roofline ? { roofline: trained.roofline } : {}),
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
      target,
      ...(evaluation ? { targetTimeWeightedError: evaluation.candidates } : {}),
    },
  };
  return { artifact, networks };
}
