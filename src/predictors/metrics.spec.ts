import { computeMetrics, HeldOutModel, leaveOneModelOut, metricsByKind, nodeKind } from './metrics';
import { TrainRow } from './predictor';
import { node } from '../../test/support/test-nodes';

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

  it('groups convolutions by the shape that changes their cost', () => {
    const conv = (group: number, channels: number, kernel: number[]) => ({
      opType: 'Conv',
      attributes: {
        group: { kind: 'int' as const, value: group },
        kernel_shape: { kind: 'ints' as const, value: kernel },
      },
      inputShapes: [[1, channels, 8, 8]],
    });
    expect(nodeKind(conv(32, 32, [3, 3]))).toBe('Conv depthwise');
    expect(nodeKind(conv(1, 32, [1, 1]))).toBe('Conv 1×1');
    expect(nodeKind(conv(1, 32, [3, 3]))).toBe('Conv k×k');
    expect(nodeKind(conv(4, 32, [3, 3]))).toBe('Conv grouped');
    expect(nodeKind({ opType: 'Add', attributes: {}, inputShapes: [] })).toBe('Add');
  });

  it('by kind, by hand: share of time, MAPE, time-weighted error and the median ratio', () => {
    const kinds = metricsByKind([
      {
        model: 'a',
        measuredUs: [10, 100, 2, 40],
        predictedUs: [12, 50, 4, 40],
        predictedTotalUs: 0,
        kinds: ['Add', 'Conv k×k', 'Add', 'Add'],
      },
    ]);
    expect(kinds.map((k) => k.kind)).toEqual(['Conv k×k', 'Add']);
    const add = kinds[1];
    expect(add.nodes).toBe(3);
    expect(add.timeShare).toBeCloseTo(52 / 152, 12);
    // Nodes ≥ 5 µs: 10 → 12 (0.2) and 40 → 40 (0); the 2 µs node only counts in the time-weighted error.
    expect(add.nodeMape).toBeCloseTo(0.1, 12);
    expect(add.timeWeightedError).toBeCloseTo(4 / 52, 12);
    // Ratios 1.2, 2, 1: median 1.2.
    expect(add.medianRatio).toBeCloseTo(1.2, 12);
    expect(kinds[0]).toMatchObject({ nodes: 1, nodeMape: 0.5, medianRatio: 0.5 });
  });
});
