/**
 * Leave-one-model-out evaluation of the MLP predictor and both baselines on one training set: shared by the
 * reference training script (metrics stored with the predictor) and bench/predictors (the table).
 */
import { HeldOutModel, leaveOneModelOut, Metrics, ModelEvaluation } from './metrics';
import { trainNeurosurgeon, trainNnMeter } from './baselines';
import { predictJs, PredictorMode, TrainOptions, TrainRow, trainPredictor, WholeModelRow } from './predictor';
import { MlpOptions } from './mlp';
import { ForestOptions } from './forest';

export type EvaluatedPredictor = 'mlp' | 'neurosurgeon' | 'nnMeter';

/** The MLP's leave-one-model-out metrics, with every held-out node's prediction (bench/predictors' per-kind table). */
export async function evaluateMlp(
  heldOut: HeldOutModel[],
  rows: TrainRow[],
  mode: PredictorMode,
  options: MlpOptions,
  wholeModels: WholeModelRow[] = heldOut,
  onFold: () => void = () => {},
  train: TrainOptions = {},
): Promise<{ metrics: Metrics; perModel: ModelEvaluation[] }> {
  return leaveOneModelOut(heldOut, rows, async (trainRows) => {
    const p = await trainPredictor(trainRows, mode, options, wholeModels, train);
    onFold();
    return (f) => predictJs(p, f);
  });
}

export async function evaluateBaselines(
  heldOut: HeldOutModel[],
  rows: TrainRow[],
  seed: number,
  forest: Partial<ForestOptions> = {},
  onFold: () => void = () => {},
): Promise<Record<'neurosurgeon' | 'nnMeter', Metrics>> {
  const neurosurgeon = await leaveOneModelOut(heldOut, rows, (train) => {
    const predict = trainNeurosurgeon(train);
    onFold();
    return predict;
  });
  const nnMeter = await leaveOneModelOut(heldOut, rows, (train) => {
    const predict = trainNnMeter(train, seed, forest);
    onFold();
    return predict;
  });
  return { neurosurgeon: neurosurgeon.metrics, nnMeter: nnMeter.metrics };
}

export type PredictorTarget = 'latency' | 'roofline-residual';
export const PREDICTOR_TARGETS: readonly PredictorTarget[] = ['latency', 'roofline-residual'];
export const trainOptionsFor = (target: PredictorTarget): TrainOptions => ({
  roofline: target === 'roofline-residual',
});

export interface Evaluation {
  metrics: Record<EvaluatedPredictor, Metrics>;
  /** The MLP target with the lower leave-one-model-out time-weighted error (what a planner adding nodes feels). */
  target: PredictorTarget;
  /** Time-weighted error of each candidate target. */
  candidates: Record<PredictorTarget, number>;
}

/**
 * Leave-one-model-out for the MLP (each target: plain latency, and the residual over a roofline) and both
 * baselines. The target is chosen on these same folds: with two candidates the choice flatters the stored
 * metrics a little, which the bench (both shown side by side) makes visible.
 */
export async function evaluateAll(
  heldOut: HeldOutModel[],
  rows: TrainRow[],
  mode: PredictorMode,
  options: MlpOptions,
  wholeModels: WholeModelRow[] = heldOut,
  onFold: () => void = () => {},
): Promise<Evaluation> {
  const byTarget = new Map<PredictorTarget, Metrics>();
  for (const target of PREDICTOR_TARGETS) {
    const { metrics } = await evaluateMlp(heldOut, rows, mode, options, wholeModels, onFold, trainOptionsFor(target));
    byTarget.set(target, metrics);
  }
  const [target] = [...byTarget].sort(([, a], [, b]) => a.timeWeightedError - b.timeWeightedError)[0];
  const candidates = Object.fromEntries([...byTarget].map(([t, m]) => [t, m.timeWeightedError])) as Record<
    PredictorTarget,
    number
  >;
  const mlp = byTarget.get(target)!;
  return {
    metrics: { mlp, ...(await evaluateBaselines(heldOut, rows, options.seed, {}, onFold)) },
    target,
    candidates,
  };
}
