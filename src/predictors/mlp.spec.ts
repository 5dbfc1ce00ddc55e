import * as ort from 'onnxruntime-node';
import { foldStandardisation, forward, MlpOptions, trainMlp } from './mlp';
import { exportMlpToOnnx } from './onnx-export';
import { seededRandom } from '../common/seeded-random';

// A tiny set: ln µs = 0.8·x0 − 0.5·x1 + 2, features on very different scales so the folded standardisation matters.
const rand = seededRandom(3);
const x = Array.from({ length: 96 }, () => Float64Array.from([rand() * 10, 100 + rand() * 400, rand()]));
const us = x.map((r) => Math.exp(0.8 * r[0] - 0.005 * r[1] + 2));
const options: MlpOptions = {
  hidden: [8, 8],
  epochs: 40,
  batchSize: 32,
  learningRate: 1e-2,
  weightDecay: 1e-4,
  seed: 11,
};

describe('MLP training', () => {
  it('is deterministic: the same seed gives identical weights, another seed others', async () => {
    const a = await trainMlp(x, us, options);
    const b = await trainMlp(x, us, options);
    const c = await trainMlp(x, us, { ...options, seed: 12 });
    expect(b.folded).toEqual(a.folded);
    expect(c.folded).not.toEqual(a.folded);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('learns the tiny set (ln µs error well under the spread of the targets)', async () => {
    const m = await trainMlp(x, us, { ...options, epochs: 100 });
    const err = x.map((r, i) => Math.abs(forward(m.folded, r) - Math.log(us[i])));
    expect(err.reduce((s, e) => s + e, 0) / err.length).toBeLessThan(0.3);
    m.dispose();
  });

  it('folds the standardisation: the JS forward on raw features equals the tfjs network', async () => {
    const m = await trainMlp(x, us, options);
    const tfOut = m.predictTf(x.slice(0, 10));
    x.slice(0, 10).forEach((r, i) => expect(forward(m.folded, r)).toBeCloseTo(tfOut[i], 4));
    m.dispose();
  });

  it('foldStandardisation by hand: one unit, w = 2, μ = 3, σ = 4 → w′ = 0.5, b′ = 1 − 1.5', () => {
    const f = foldStandardisation(1, [{ weights: [[2]], bias: [1] }], [3], [4]);
    expect(f.layers[0].weights).toEqual([[0.5]]);
    expect(f.layers[0].bias[0]).toBeCloseTo(-0.5, 12);
    expect(forward(f, Float64Array.from([7]))).toBeCloseTo(2 * ((7 - 3) / 4) + 1, 12);
  });
});

describe('ONNX export', () => {
  it('runs in onnxruntime-node to the JS forward within 1e-4, on raw (unnormalised) features', async () => {
    const m = await trainMlp(x, us, options);
    m.dispose();
    const session = await ort.InferenceSession.create(exportMlpToOnnx(m.folded));
    expect(session.inputNames).toEqual(['x']);
    const flat = new Float32Array(x.length * 3);
    x.forEach((r, i) => flat.set(r, i * 3));
    const out = await session.run({ x: new ort.Tensor('float32', flat, [x.length, 3]) });
    const logUs = out.log_us.data as Float32Array;
    expect(out.log_us.dims).toEqual([x.length, 1]);
    // Float32 inputs: compare with the float64 forward on the same float32-rounded features.
    x.forEach((r, i) =>
      expect(Math.abs(logUs[i] - forward(m.folded, Float64Array.from(flat.subarray(i * 3, i * 3 + 3))))).toBeLessThan(
        1e-4,
      ),
    );
    await session.release();
  });
});
