import { DEFAULT_MLP_OPTIONS } from './mlp';
import { predictJs, TrainRow, trainPredictor } from './predictor';
import { fitRoofline, movedBytes, rooflineUs } from './roofline';
import { node } from '../../test/support/test-nodes';

/** A fully-connected layer [1, k] × [k, n]: k·n MACs, weights dominate the bytes (memory-bound). */
const fc = (k: number, n: number) => node('Gemm', [1, k], [1, n], { weight: [k, n], macs: k * n });

describe('roofline prior', () => {
  it('fits the rates as a high quantile of what the rows reached, and takes the binding limit', () => {
    const rows = Array.from({ length: 20 }, (_, i) => {
      const f = node('Conv', [1, 64, 28, 28], [1, 64, 28, 28], { macs: 1e8 * (i + 1) });
      return { features: f, us: (1e8 * (i + 1)) / (1000 * (i + 1)) }; // 1000·(i+1) MACs/µs: 1000 … 20000
    });
    const r = fitRoofline(rows)!;
    expect(r.macsPerUs).toBe(20_000); // the 95th percentile of 20 rates is the 20th
    const f = rows[0].features;
    expect(rooflineUs(r, f)).toBeCloseTo(Math.max(1e8 / 20_000, movedBytes(f) / r.bytesPerUs), 9);
    expect(rooflineUs(undefined, f)).toBe(1);
    // Nothing compute-heavy: no peak rate to read, no roofline.
    expect(fitRoofline([{ features: node('Relu', [1, 8], [1, 8]), us: 2 }])).toBeUndefined();
  });

  it('lets a memory-bound layer bigger than any in training scale with its bytes, where plain latency is capped', async () => {
    // Synthetic device: a fully-connected layer streams its weights at 10 bytes/µs, plus 5 µs.
    const truth = (k: number, n: number) => (4 * k * n) / 10 + 5;
    const rows: TrainRow[] = [];
    for (const k of [256, 512, 1024, 2048]) {
      for (const n of [128, 256, 512, 1024]) rows.push({ model: `m${k}`, features: fc(k, n), us: truth(k, n) });
    }
    const big = fc(8192, 4096); // 16× the largest weight matrix seen
    const options = { ...DEFAULT_MLP_OPTIONS, epochs: 60, ensemble: 1 };
    const plain = predictJs(await trainPredictor(rows, 'shared', options), [big])[0];
    const roof = predictJs(await trainPredictor(rows, 'shared', options, [], { roofline: true }), [big])[0];
    const expected = truth(8192, 4096);
    // Plain latency is clamped to the largest latency seen in training; the residual extrapolates.
    expect(plain).toBeLessThanOrEqual(Math.max(...rows.map((r) => r.us)) * 1.0001);
    expect(Math.abs(roof / expected - 1)).toBeLessThan(0.25);
    expect(Math.abs(plain / expected - 1)).toBeGreaterThan(0.8);
  });
});
