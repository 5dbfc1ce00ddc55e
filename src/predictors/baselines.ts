/**
 * The two baselines every predictor is compared with, trained on the same split:
 * - Neurosurgeon-style: per op type, a linear regression of latency on (MACs, input bytes, output bytes), in
 *   linear space as Neurosurgeon does; op types with too few rows use a regression over all rows.
 * - nn-Meter-style: a random forest on nn-Meter's kernel features (H, Cin, Cout, kernel, stride, MACs, params)
 *   plus log bytes moved, in log space, one forest per operator class (forest.ts), seeded.
 */
import MLR from 'ml-regression-multivariate-linear';
import { NodeFeatures } from '../onnx/types';
import { encodeNode, nnMeterFeatures, OpClass } from './encoding';
import { DEFAULT_FOREST_OPTIONS, Forest, ForestOptions, trainForest } from './forest';
import { TrainRow } from './predictor';

export type Predict = (features: NodeFeatures[]) => Float64Array;

const MIN_ROWS = 8;
/** Latencies are never below the timer's resolution: a linear fit's negative outputs are clamped to 1 µs. */
const FLOOR_US = 1;

const linearInputs = (f: NodeFeatures): number[] => [f.macs / 1e6, f.inBytes / 1e6, f.outBytes / 1e6];

export function trainNeurosurgeon(rows: TrainRow[]): Predict {
  const usable = rows.filter((r) => !r.features.isConstant);
  const fit = (rs: TrainRow[]): MLR =>
    new MLR(
      rs.map((r) => linearInputs(r.features)),
      rs.map((r) => [r.us]),
    );
  const global = fit(usable);
  const byOp = new Map<string, MLR>();
  for (const op of new Set(usable.map((r) => r.features.opType))) {
    const rs = usable.filter((r) => r.features.opType === op);
    // Too few rows, or all rows with identical inputs (a singular system): the global fit is the better guess.
    if (rs.length >= MIN_ROWS) {
      try {
        byOp.set(op, fit(rs));
      } catch {
        /* singular: keep the global fit */
      }
    }
  }
  return (features) =>
    Float64Array.from(features, (f) => {
      if (f.isConstant) return 0;
      const model = byOp.get(f.opType) ?? global;
      const y = model.predict(linearInputs(f))[0];
      return Number.isFinite(y) ? Math.max(y, FLOOR_US) : FLOOR_US;
    });
}

export function trainNnMeter(rows: TrainRow[], seed = 7, options: Partial<ForestOptions> = {}): Predict {
  const usable = rows.filter((r) => !r.features.isConstant && r.us > 0);
  const forests = new Map<OpClass, Forest>();
  const withOp = (f: NodeFeatures): number[] => [...nnMeterFeatures(f), Math.log1p(f.inBytes + f.outBytes)];
  const fit = (rs: TrainRow[]): Forest =>
    trainForest(
      rs.map((r) => withOp(r.features)),
      rs.map((r) => Math.log(r.us)),
      { ...DEFAULT_FOREST_OPTIONS, ...options, seed },
    );
  const all = fit(usable);
  const classes = new Set(usable.map((r) => encodeNode(r.features).cls));
  for (const cls of classes) {
    const rs = usable.filter((r) => encodeNode(r.features).cls === cls);
    if (rs.length < MIN_ROWS * 4) continue;
    forests.set(cls, fit(rs));
  }
  return (features) => {
    const out = new Float64Array(features.length);
    features.forEach((f, i) => {
      if (f.isConstant) return;
      const rf = forests.get(encodeNode(f).cls) ?? all;
      out[i] = Math.exp(rf.predict(withOp(f)));
    });
    return out;
  };
}
