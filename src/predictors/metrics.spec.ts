import { computeMetrics, HeldOutModel, leaveOneModelOut } from './metrics';
import { TrainRow } from './predictor';
import { node } from './test-nodes';

describe('metrics', () => {
  it('by hand: MAPE over nodes ≥ 5 µs, time-weighted over all, within ±10/25%, model-level', () => {
    const m = computeMetrics([
      // measured 10, 100, 2 (under 5 µs: left out of the ratios), predicted 11, 70, 4.
      { model: 'a', measuredUs: [10, 100, 2], predictedUs: [11, 70, 4], predictedTotalUs: 85, wholeUs: 100 },
      { model: 'b', measuredUs: [20], predictedUs: [25], predictedTotalUs: 25, wholeUs: 20 },
    ]);
    // Relative errors of the nodes ≥ 5 µs: 0.1, 0.3, 0.25.
    expect(m.nodeMape).toBeCloseTo((0.1 + 0.3 + 0.25) / 3, 12);
    // Σ|p − m| = 1 + 30 + 2 + 5 = 38 over Σm = 132.
    expect(m.timeWeightedError).toBeCloseTo(38 / 132, 12);
    expect(m.within10).toBeCloseTo(1 / 3, 12);
    expect(m.within25).toBeCloseTo(2 / 3, 12);
    // |85 − 100|/100 and |25 − 20|/20.
    expect(m.modelError).toBeCloseTo((0.15 + 0.25) / 2, 12);
    expect(m).toMatchObject({ nodes: 4, models: 2 });
  });

  it('leaves models without a whole-model row out of the model-level error', () => {
    const m = computeMetrics([{ model: 'a', measuredUs: [10], predictedUs: [10], predictedTotalUs: 10 }]);
    expect(m.modelError).toBeNaN();
    expect(m.nodeMape).toBe(0);
  });

  it('leave-one-model-out never trains on the held-out model, and scores every held-out node', async () => {
    const rows: TrainRow[] = [];
    const heldOut: HeldOutModel[] = [];
    for (const model of ['m1', 'm2', 'm3']) {
      const features = [1, 2].map((k) => node('Relu', [1, k], [1, k], { name: `${model}/n${k}` }));
      features.forEach((f, k) => rows.push({ model, features: f, us: 10 * (k + 1) }));
      heldOut.push({ model, features, wholeUs: 30 });
    }
    rows.push({ model: 'gen', features: node('Relu', [1, 9], [1, 9]), us: 7 });
    const seen: string[][] = [];
    const { perModel } = await leaveOneModelOut(heldOut, rows, (train) => {
      seen.push([...new Set(train.map((r) => r.model))].sort());
      return (f) => Float64Array.from(f, () => 10);
    });
    expect(seen).toEqual([
      ['gen', 'm2', 'm3'],
      ['gen', 'm1', 'm3'],
      ['gen', 'm1', 'm2'],
    ]);
    expect(perModel.map((e) => e.measuredUs)).toEqual([
      [10, 20],
      [10, 20],
      [10, 20],
    ]);
    expect(perModel[0]).toMatchObject({ predictedUs: [10, 10], predictedTotalUs: 20, wholeUs: 30 });
  });
});
