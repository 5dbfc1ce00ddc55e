/**
 * The reference training set of one platform, shared by scripts/train-reference.ts and bench/predictors.
 * Training rows: the eight models and the 31 generated models, all measured in-model. The isolated sweep is
 * left out: its operators run 2–6× slower than the same shapes inside a model (cold inputs, 3–10 runs), and
 * the measured effect of dropping it on held-out architectures was nil (issue 4), while it would bias every
 * in-model prediction upwards.
 */
import { TrainRow } from '../../predictors/predictor';
import { HeldOutModel } from '../../predictors/metrics';
import {
  comparableWholeModelMs,
  CsvPlatform,
  loadReferenceGraph,
  loadReferenceMeasurements,
  REFERENCE_MODELS,
} from './reference-data';

export interface ReferenceTrainingSet {
  rows: TrainRow[];
  /** The eight reference models, for leave-one-model-out. */
  heldOut: HeldOutModel[];
  /** Every trained-on model with a comparable whole-model row (reference and generated): the correction's rows. */
  wholeModels: HeldOutModel[];
  unmapped: number;
}

export async function referenceTrainingSet(platform: CsvPlatform): Promise<ReferenceTrainingSet> {
  const m = await loadReferenceMeasurements(platform);
  const rows: TrainRow[] = [];
  const heldOut: HeldOutModel[] = [];
  const wholeModels: HeldOutModel[] = [];
  for (const graph of m.graphs) {
    if (graph.set === 'sweep') continue;
    const { features } = await loadReferenceGraph(graph);
    const byName = new Map(features.map((f) => [f.name, f]));
    for (const n of m.nodes) {
      const f = n.model === graph.model ? byName.get(n.node) : undefined;
      if (f && !f.isConstant && n.medianUs > 0) rows.push({ model: graph.model, features: f, us: n.medianUs });
    }
    const whole = comparableWholeModelMs(m, graph.model);
    const model = { model: graph.model, features, wholeUs: whole === undefined ? undefined : whole * 1000 };
    if ((REFERENCE_MODELS as readonly string[]).includes(graph.model)) heldOut.push(model);
    if (model.wholeUs !== undefined) wholeModels.push(model);
  }
  return { rows, heldOut, wholeModels, unmapped: m.unmapped.length };
}
