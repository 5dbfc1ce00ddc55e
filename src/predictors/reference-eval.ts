/**
 * Leave-one-model-out evaluation of the MLP predictor and both baselines on one training set: shared by the
 * reference training script (metrics stored with the predictor) and bench/predictors (the table).
 */
import { HeldOutModel, leaveOneModelOut, Metrics, ModelEvaluation } from './metrics';
import { trainNeurosurgeon, trainNnMeter } from './baselines';
import { predictJs, PredictorMode, TrainRow, trainPredictor, WholeModelRow } from './predictor';
import { MlpOptions } from './mlp';
import { ForestOptions } from './forest';

export type EvaluatedPredictor = 'mlp' | 'neurosurgeon' | 'nnMeter';

export async function evaluateMlp(
  heldOut: HeldOutModel[],
  rows: TrainRow[],
  mode: PredictorMode,
  options: MlpOptions,
  wholeModels: WholeModelRow[] = heldOut,
  onFold: () => void = () => {},
): Promise<Metrics> {
  return (await evaluateMlpPerModel(heldOut, rows, mode, options, wholeModels, onFold)).metrics;
}

/** The same, with every held-out node's prediction (for the per-kind breakdown of bench/predictors). */
export async function evaluateMlpPerModel(
  heldOut: HeldOutModel[],
  rows: TrainRow[],
  mode: PredictorMode,
  options: MlpOptions,
  wholeModels: WholeModelRow[] = heldOut,
  onFold: () => void = () => {},
): Promise<{ metrics: Metrics; perModel: ModelEvaluation[] }> {
  return leaveOneModelOut(heldOut, rows, async (train) => {
    const p = await trainPredictor(train, mode, options, wholeModels);
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

export async function evaluateAll(
  heldOut: HeldOutModel[],
  rows: TrainRow[],
  mode: PredictorMode,
  options: MlpOptions,
  wholeModels: WholeModelRow[] = heldOut,
  onFold: () => void = () => {},
): Promise<Record<EvaluatedPredictor, Metrics>> {
  const mlp = await evaluateMlp(heldOut, rows, mode, options, wholeModels, onFold);
  return { mlp, ...(await evaluateBaselines(heldOut, rows, options.seed, {}, onFold)) };
}
