/**
 * Accuracy metrics stored with every predictor, always on a split by model (a node's own model never trains the
 * predictor that is scored on it: models share layer shapes, so a random split by node would flatter).
 */
import { NodeFeatures } from '../onnx/types';
import { TrainRow } from './predictor';

/** Nodes under this measured time are left out of per-node ratios: there timer steps and jitter dominate. */
export const MIN_NODE_US = 5;

export interface Metrics {
  /** Mean |p − m| / m over nodes with m ≥ 5 µs. */
  nodeMape: number;
  /** Σ|p − m| / Σm over all measured nodes: what a planner adding node times feels. */
  timeWeightedError: number;
  within10: number;
  within25: number;
  /** Mean over models of |Σ predicted over every non-constant node − whole-model time| / whole-model time. */
  modelError: number;
  nodes: number;
  models: number;
}

export interface ModelEvaluation {
  model: string;
  measuredUs: number[];
  predictedUs: number[];
  /** Sum of the predictions over every non-constant node of the graph (measured or not). */
  predictedTotalUs: number;
  /** The comparable whole-model measurement, if any. */
  wholeUs?: number;
  /** What kind of node each measured entry is (see nodeKind), for the per-kind breakdown. */
  kinds?: string[];
}

export function computeMetrics(evals: ModelEvaluation[]): Metrics {
  let ape = 0;
  let n = 0;
  let w10 = 0;
  let w25 = 0;
  let absSum = 0;
  let measSum = 0;
  let count = 0;
  for (const e of evals) {
    e.measuredUs.forEach((m, i) => {
      const err = Math.abs(e.predictedUs[i] - m);
      absSum += err;
      measSum += m;
      count++;
      if (m < MIN_NODE_US) return;
      const rel = err / m;
      ape += rel;
      n++;
      if (rel <= 0.1) w10++;
      if (rel <= 0.25) w25++;
    });
  }
  const withWhole = evals.filter((e) => e.wholeUs !== undefined && e.wholeUs > 0);
  const modelError =
    withWhole.reduce((s, e) => s + Math.abs(e.predictedTotalUs - (e.wholeUs ?? 0)) / (e.wholeUs ?? 1), 0) /
    Math.max(withWhole.length, 1);
  return {
    nodeMape: n ? ape / n : NaN,
    timeWeightedError: measSum ? absSum / measSum : NaN,
    within10: n ? w10 / n : NaN,
    within25: n ? w25 / n : NaN,
    modelError: withWhole.length ? modelError : NaN,
    nodes: count,
    models: evals.length,
  };
}

export type Predictor = (features: NodeFeatures[]) => Float64Array | Promise<Float64Array>;

export interface HeldOutModel {
  model: string;
  /** Every node of the graph, for the whole-model sum. */
  features: NodeFeatures[];
  wholeUs?: number;
}

/**
 * Leave-one-model-out: for each held-out model, train on every row of the other models (and any rows of models
 * not in the list, e.g. generated ones), predict the held-out graph, score against its measured nodes.
 */
export async function leaveOneModelOut(
  heldOut: HeldOutModel[],
  rows: TrainRow[],
  trainFn: (train: TrainRow[]) => Promise<Predictor> | Predictor,
): Promise<{ metrics: Metrics; perModel: ModelEvaluation[] }> {
  const perModel: ModelEvaluation[] = [];
  for (const h of heldOut) {
    const predict = await trainFn(rows.filter((r) => r.model !== h.model));
    const predicted = await predict(h.features);
    const index = new Map(h.features.map((f, i) => [f.name, i]));
    const measured = rows.filter((r) => r.model === h.model && !r.features.isConstant);
    perModel.push({
      model: h.model,
      measuredUs: measured.map((r) => r.us),
      predictedUs: measured.map((r) => predicted[index.get(r.features.name) ?? -1] ?? NaN),
      predictedTotalUs: h.features.reduce((s, f, i) => s + (f.isConstant ? 0 : predicted[i]), 0),
      wholeUs: h.wholeUs,
      kinds: measured.map((r) => nodeKind(r.features)),
    });
  }
  return { metrics: computeMetrics(perModel), perModel };
}

/**
 * A finer grouping than the operator class, for reading errors: the op type, with convolutions split into the
 * shapes that behave differently (depthwise, pointwise 1×1, spatial k×k).
 */
export function nodeKind(f: Pick<NodeFeatures, 'opType' | 'attributes' | 'inputShapes'>): string {
  if (f.opType !== 'Conv') return f.opType;
  const groupAttr = f.attributes.group;
  const group = groupAttr?.kind === 'int' ? groupAttr.value : 1;
  const channels = f.inputShapes[0]?.[1];
  if (group > 1 && group === channels) return 'Conv depthwise';
  const kernel = f.attributes.kernel_shape;
  const pointwise = kernel?.kind === 'ints' && kernel.value.every((k) => k === 1);
  return group > 1 ? 'Conv grouped' : pointwise ? 'Conv 1×1' : 'Conv k×k';
}

export interface KindMetrics {
  kind: string;
  nodes: number;
  /** This kind's share of all measured time. */
  timeShare: number;
  /** Mean |p − m| / m over nodes ≥ 5 µs (NaN when none). */
  nodeMape: number;
  /** Σ|p − m| / Σm over the kind's nodes. */
  timeWeightedError: number;
  /** Median of p / m: above 1 the kind is over-predicted, below under-predicted. */
  medianRatio: number;
}

/** The same errors per node kind, largest share of measured time first. */
export function metricsByKind(evals: ModelEvaluation[]): KindMetrics[] {
  const groups = new Map<string, { m: number[]; p: number[] }>();
  let total = 0;
  for (const e of evals) {
    e.measuredUs.forEach((m, i) => {
      const kind = e.kinds?.[i] ?? 'unknown';
      const g = groups.get(kind) ?? { m: [], p: [] };
      g.m.push(m);
      g.p.push(e.predictedUs[i]);
      groups.set(kind, g);
      total += m;
    });
  }
  return [...groups]
    .map(([kind, g]) => {
      const sum = g.m.reduce((a, b) => a + b, 0);
      const big = g.m.map((m, i) => [m, g.p[i]]).filter(([m]) => m >= MIN_NODE_US);
      const ratios = g.m.map((m, i) => g.p[i] / m).sort((a, b) => a - b);
      const mid = ratios.length / 2;
      return {
        kind,
        nodes: g.m.length,
        timeShare: total ? sum / total : NaN,
        nodeMape: big.length ? big.reduce((s, [m, p]) => s + Math.abs(p - m) / m, 0) / big.length : NaN,
        timeWeightedError: sum ? g.m.reduce((s, m, i) => s + Math.abs(g.p[i] - m), 0) / sum : NaN,
        medianRatio: ratios.length % 2 ? ratios[Math.floor(mid)] : (ratios[mid - 1] + ratios[mid]) / 2,
      };
    })
    .sort((a, b) => b.timeShare - a.timeShare);
}
