import * as ort from 'onnxruntime-node';
import { ingestOnnx } from '../onnx/ingest';
import { BlockKind, generateKitModels, generateModel, INPUT_SIZES, kitModelSeed, MAX_PARAMS } from './generator';

async function* chunks(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  for (let at = 0; at < bytes.length; at += 65536) yield bytes.subarray(at, at + 65536);
}

describe('generateModel', () => {
  it('is deterministic: one seed, the same bytes', () => {
    const a = generateModel(1234);
    const b = generateModel(1234);
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    expect(Buffer.from(generateModel(1235).bytes).equals(Buffer.from(a.bytes))).toBe(false);
  });

  it('gives each model of a kit its own seed, stable when the kit grows', () => {
    const small = generateKitModels(3, 7).map((m) => m.seed);
    const large = generateKitModels(6, 7).map((m) => m.seed);
    expect(large.slice(0, 3)).toEqual(small);
    expect(new Set(large).size).toBe(6);
    expect(kitModelSeed(8, 0)).not.toBe(kitModelSeed(7, 0));
  });

  const kit = generateKitModels(40, 42);

  it('covers every block kind, phone to server input sizes, and stays under its budgets', () => {
    const kinds = new Set<BlockKind>(kit.flatMap((m) => m.blocks));
    expect([...kinds].sort()).toEqual(
      ['attention', 'conv', 'dense', 'dwsep', 'grouped', 'mbconv', 'pool', 'residual', 'shuffle', 'tokens'].sort(),
    );
    const sizes = kit.map((m) => m.inputShape[2]);
    expect(Math.min(...sizes)).toBeLessThanOrEqual(96);
    expect(Math.max(...sizes)).toBeGreaterThanOrEqual(256);
    sizes.forEach((s) => expect(INPUT_SIZES).toContain(s));
    // The budget stops adding blocks once passed, so one block (at most a few hundred MMACs) may overshoot it.
    kit.forEach((m) => expect(m.macs).toBeLessThan(2.5e9));
    kit.forEach((m) => expect(m.params).toBeLessThan(MAX_PARAMS * 1.5));
  });

  it("agrees with the project's own shape inference on every tensor", async () => {
    for (const m of kit.slice(0, 12)) {
      const ingested = await ingestOnnx(chunks(m.bytes));
      expect(ingested.summary.unsupportedOps).toEqual([]);
      expect(ingested.summary.unresolvedTensors).toBe(0);
      expect(ingested.summary.weightsIncluded).toBe(true);
    }
  });

  it('runs in ONNX Runtime at both optimisation levels, with the output shape it declares', async () => {
    for (const m of kit.slice(0, 8)) {
      for (const level of ['disabled', 'all'] as const) {
        const session = await ort.InferenceSession.create(m.bytes, {
          graphOptimizationLevel: level,
          intraOpNumThreads: 1,
        });
        try {
          const n = m.inputShape.reduce((a, d) => a * d, 1);
          const input = new ort.Tensor('float32', new Float32Array(n).fill(0.5), m.inputShape);
          const out = await session.run({ [session.inputNames[0]]: input });
          const y = out[session.outputNames[0]];
          expect(y.dims[0]).toBe(1);
          expect([10, 100, 1000]).toContain(y.dims[1]);
          expect(Array.from(y.data as Float32Array).every(Number.isFinite)).toBe(true);
        } finally {
          await session.release();
        }
      }
    }
  });
});
