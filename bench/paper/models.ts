/**
 * Shared by bench/paper and bench/solver: the reference models (ingested as an upload is), their per-node latencies
 * on the three reference platforms, predicted (the stored predictors) and measured (the reference CSVs).
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { IngestedModel, ingestOnnx } from '../../src/onnx/ingest';
import { planGraphFromFeatures } from '../../src/planning/plan-graph';
import { PlanGraph } from '../../src/planning/types';
import {
  CsvPlatform,
  loadReferenceGraph,
  loadReferenceMeasurements,
  REFERENCE_DIR,
  REFERENCE_MODELS,
  referenceGraphs,
} from '../../src/platforms/reference/reference-data';
import { referenceTrainingSet } from '../../src/platforms/reference/training-set';
import { DEFAULT_MLP_OPTIONS } from '../../src/predictors/mlp';
import { predictJs, trainPredictor } from '../../src/predictors/predictor';
import { trainOptionsFor } from '../../src/predictors/reference-eval';
import { loadPredictor } from '../../src/predictors/predictor-runtime';

/** Tier order of every bench network: end, edge, cloud. */
export const TIER_PLATFORMS: readonly { slug: string; csv: CsvPlatform }[] = [
  { slug: 'ref-cpu1', csv: 'cpu1' },
  { slug: 'ref-cpu16', csv: 'cpu16' },
  { slug: 'ref-h200', csv: 'gpu' },
];

export interface ModelLatencies {
  model: string;
  ingested: IngestedModel;
  /** Per tier, µs per node (constant nodes 0). */
  predicted: Float64Array[];
  /** Per tier: the measurement where there is one, else the prediction (constant nodes 0). */
  measured: Float64Array[];
  /** Per tier: non-constant nodes with no measurement (they got the prediction). */
  unmeasured: number[];
  /** Per tier: the unmeasured nodes' op types, with counts. */
  unmeasuredOps: Map<string, number>[];
  nonConstant: number;
}

/** Predicted µs per node on each reference tier (the predictors as they are on disk now). */
export async function predictTiers(ingested: IngestedModel): Promise<Float64Array[]> {
  const dir = join(REFERENCE_DIR, 'predictors');
  const out: Float64Array[] = [];
  for (const p of TIER_PLATFORMS) out.push(await loadPredictor(dir, p.slug).predict(ingested.features));
  return out;
}

/** Id and training sets of each tier's predictor, as loaded now (another engineer may retrain them). */
export function predictorInfo(): string[] {
  const dir = join(REFERENCE_DIR, 'predictors');
  return TIER_PLATFORMS.map((p) => {
    const { artifact } = loadPredictor(dir, p.slug);
    const target = artifact.training.target ?? 'latency';
    return `${artifact.id} (${artifact.mode}, ${target}, trained on ${artifact.training.sets.join('+')}, ${artifact.training.rows} rows)`;
  });
}

/**
 * Leave-one-model-out predictions: per tier and per reference model, µs per node from a predictor trained (shared
 * mode, DEFAULT_MLP_OPTIONS, as scripts/train-reference.ts) on that platform's training set WITHOUT the model — its
 * node rows and its whole-model row (for the correction) both left out. The stored predictors were trained on all
 * eight, so their predictions of these models are in-sample. 3 platforms × 8 models trainings, nothing cached.
 * Returns model → per-tier predictions, and the seconds spent.
 */
export async function predictLeaveOneOut(
  models: readonly ModelLatencies[],
  onProgress?: (line: string) => void,
): Promise<{ predicted: Map<string, Float64Array[]>; seconds: number }> {
  const started = Date.now();
  const predicted = new Map<string, Float64Array[]>(models.map((m) => [m.model, []]));
  const dir = join(REFERENCE_DIR, 'predictors');
  for (const p of TIER_PLATFORMS) {
    const set = await referenceTrainingSet(p.csv);
    // The target the stored predictor was trained for (chosen by train:reference on leave-one-model-out).
    const train = trainOptionsFor(loadPredictor(dir, p.slug).artifact.training.target ?? 'latency');
    for (const m of models) {
      const rows = set.rows.filter((r) => r.model !== m.model);
      if (rows.length === set.rows.length) throw new Error(`${p.slug}: no training rows of ${m.model} to hold out`);
      const wholeModels = set.wholeModels.filter((w) => w.model !== m.model);
      const trained = await trainPredictor(rows, 'shared', DEFAULT_MLP_OPTIONS, wholeModels, train);
      predicted.get(m.model)!.push(predictJs(trained, m.ingested.features));
    }
    onProgress?.(
      `${p.slug}: ${models.length} held-out trainings done at ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  return { predicted, seconds: (Date.now() - started) / 1000 };
}

export async function ingestFile(file: string): Promise<IngestedModel> {
  return ingestOnnx(createReadStream(file));
}

/** The eight reference models with predicted and measured latencies on ref-cpu1, ref-cpu16 and ref-h200. */
export async function loadReferenceModels(): Promise<ModelLatencies[]> {
  const measurements = new Map<CsvPlatform, Map<string, number>>();
  for (const p of TIER_PLATFORMS) {
    const m = await loadReferenceMeasurements(p.csv);
    measurements.set(p.csv, new Map(m.nodes.map((n) => [`${n.model}|${n.node}`, n.medianUs])));
  }
  const graphs = referenceGraphs().filter((g) => g.set === 'model');
  const result: ModelLatencies[] = [];
  for (const model of REFERENCE_MODELS) {
    const ingested = await loadReferenceGraph(graphs.find((g) => g.model === model)!);
    const predicted = await predictTiers(ingested);
    const { features } = ingested;
    const unmeasured: number[] = [];
    const unmeasuredOps: Map<string, number>[] = [];
    const measured = TIER_PLATFORMS.map((p, tier) => {
      const byNode = measurements.get(p.csv)!;
      const ops = new Map<string, number>();
      let missing = 0;
      const lat = features.map((f, i) => {
        if (f.isConstant) return 0;
        const us = byNode.get(`${model}|${f.name}`);
        if (us !== undefined) return us;
        missing++;
        ops.set(f.opType, (ops.get(f.opType) ?? 0) + 1);
        return predicted[tier][i];
      });
      unmeasured.push(missing);
      unmeasuredOps.push(ops);
      return Float64Array.from(lat);
    });
    const nonConstant = features.filter((f) => !f.isConstant).length;
    result.push({ model, ingested, predicted, measured, unmeasured, unmeasuredOps, nonConstant });
  }
  return result;
}

/** The planner's graph of a model with the given per-tier latencies, the end tier's multiplied by `endScale`. */
export function planGraph(ingested: IngestedModel, latencyUs: Float64Array[], endScale = 1): PlanGraph {
  const tiers = latencyUs.map((lat, tier) => (tier === 0 && endScale !== 1 ? lat.map((us) => us * endScale) : lat));
  return planGraphFromFeatures(
    ingested.features,
    ingested.summary.inputs,
    ingested.summary.outputs.map((o) => o.name),
    tiers,
  );
}
