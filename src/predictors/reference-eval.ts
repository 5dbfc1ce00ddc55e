/**
 * Leave-one-model-out evaluation of the MLP predictor and both baselines on one training set: shared by the
 * reference training script (metrics stored with the predictor) and bench/predictors (the table).
 */
import { HeldOutModel, leaveOneModelOut, Metrics } from './metrics';
import { trainNeurosurgeon, trainNnMeter } from './baselines';
import { predictJs, PredictorMode, TrainRow, trainPredictor } from './predictor';
import { MlpOptions } from './mlp';

export async function evaluateAll(
  heldOut: HeldOutModel[],
  rows: TrainRow[],
  mode: PredictorMode,
  options: MlpOptions,
): Promise<Record<'mlp' | 'neurosurgeon' | 'nnMeter', Metrics>> {
  const mlp = await leaveOneModelOut(heldOut, rows, async (train) => {
    const p = await trainPredictor(train, mode, options);
    return (f) => predictJs(p, f);
  });
  const neurosurgeon = await leaveOneModelOut(heldOut, rows, trainNeurosurgeon);
  const nnMeter = await leaveOneModelOut(heldOut, rows, (train) => trainNnMeter(train, options.seed));
  return { mlp: mlp.metrics, neurosurgeon: neurosurgeon.metrics, nnMeter: nnMeter.metrics };
}
