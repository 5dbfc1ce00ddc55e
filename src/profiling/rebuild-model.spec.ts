import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { onnxFiles, fixturePath } from '../../test/support/fixtures';
import { ingestOnnx } from '../onnx/ingest';
import { OnnxDataType } from '../onnx/types';
import { partsFromIngested } from './model-parts';
import { ModelParts, rebuildModel } from './rebuild-model';
import { seededRandom } from '../common/seeded-random';
import { tensorProto } from './synth-tensor';

const num = (v: number | { toString(): string }): number => Number(v.toString());

/** Runs the rebuilt model once on inputs of ones, symbolic dims from `shapes` or 1. */
async function runOnce(bytes: Uint8Array, shapes: Record<string, number[]> = {}): Promise<void> {
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled' });
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const meta of session.inputMetadata) {
      if (!meta.isTensor || meta.type !== 'float32') throw new Error(`unexpected input ${meta.name}`);
      const dims = meta.shape.map((d, i) => (typeof d === 'number' && d > 0 ? d : (shapes[meta.name]?.[i] ?? 1)));
      feeds[meta.name] = new ort.Tensor('float32', new Float32Array(dims.reduce((a, d) => a * d, 1)).fill(1), dims);
    }
    const out = await session.run(feeds);
    expect(Object.keys(out).length).toBeGreaterThan(0);
  } finally {
    await session.release();
  }
}

describe('rebuildModel', () => {
  // Zeros keep this under a minute for the 140M-parameter graph-only files; the structure is what is checked.
  // The twelve sweep graphs rebuild to 370-850 MB each and add nothing a single one does not test: keep sweep0.
  const files = onnxFiles('graphs', 'third_party', 'models').filter((f) => !/sweep([1-9]|1\d)\.onnx$/.test(f));
  it.each(files.map((f) => [basename(f), f]))(
    'rebuilds %s with its node names, initializers and opsets',
    async (_name, file) => {
      const ingested = await ingestOnnx(createReadStream(file));
      const parts = partsFromIngested(ingested);
      const model = onnx.ModelProto.decode(rebuildModel(parts, { fill: 'zeros' }));
      expect(model.graph?.node?.map((n) => n.name)).toEqual(ingested.features.map((f) => f.name));
      expect(model.graph?.initializer?.map((t) => t.name).sort()).toEqual(
        [...ingested.graph.initializers.keys()].sort(),
      );
      expect(model.opsetImport.map((o) => [o.domain, num(o.version ?? 0)])).toEqual(
        ingested.graph.model.opsets.map((o) => [o.domain, o.version]),
      );
    },
  );

  it.each([
    ['graphs', 'resnet18.onnx', {}],
    ['graphs', 'squeezenet1_1.onnx', {}],
    ['third_party', 'mnist.onnx', {}],
    ['third_party', 'light_squeezenet.onnx', {}],
    ['third_party', 'ultraface_RFB-320.onnx', {}],
    ['third_party', 'ch_ppocr_mobile_v2.0_cls_infer.onnx', { x: [1, 3, 48, 192] }],
  ])('ONNX Runtime runs the rebuilt %s/%s (synthesised weights)', async (dir, file, shapes) => {
    const ingested = await ingestOnnx(createReadStream(fixturePath(dir, file)), { inputShapes: shapes });
    await runOnce(rebuildModel(partsFromIngested(ingested)), shapes);
  });

  it('names the attribute it cannot rebuild (sub-graphs are not stored)', () => {
    const parts: ModelParts = {
      irVersion: 8,
      opsets: [{ domain: '', version: 17 }],
      inputs: [{ name: 'c', elemType: OnnxDataType.BOOL, shape: [] }],
      outputs: [{ name: 'y', elemType: OnnxDataType.FLOAT, shape: null }],
      nodes: [
        {
          name: 'branch',
          opType: 'If',
          domain: '',
          inputs: ['c'],
          outputs: ['y'],
          attributes: { then_branch: { kind: 'graph' }, else_branch: { kind: 'graph' } },
        },
      ],
      initializers: [],
    };
    expect(() => rebuildModel(parts)).toThrow(/node 'branch' \(If\): attribute 'then_branch' is a sub-graph/);
  });
});

describe('tensorProto', () => {
  const rand = seededRandom(1);
  const view = (t: onnx.ITensorProto): DataView => new DataView(t.rawData!.buffer, t.rawData!.byteOffset);

  it('keeps stored values exactly, INT64_MAX included (it came back from JSON as 2^63)', () => {
    const t = tensorProto({ name: 's', dataType: OnnxDataType.INT64, dims: [3], values: [-1, 2 ** 63, 5] }, rand);
    expect([0, 8, 16].map((o) => view(t).getBigInt64(o, true))).toEqual([-1n, (1n << 63n) - 1n, 5n]);
  });

  it('synthesises integers as zeros and floats as small finite values of the right count', () => {
    const ints = tensorProto({ name: 'i', dataType: OnnxDataType.INT64, dims: [2, 3] }, rand);
    expect(ints.rawData).toEqual(new Uint8Array(48));
    const w = tensorProto({ name: 'w', dataType: OnnxDataType.FLOAT, dims: [4, 16] }, rand);
    const floats = new Float32Array(w.rawData!.slice().buffer);
    expect(floats).toHaveLength(64);
    expect(floats.every((v) => Math.abs(v) <= 0.25 && Number.isFinite(v))).toBe(true);
    const half = tensorProto({ name: 'h', dataType: OnnxDataType.FLOAT16, dims: [5] }, rand);
    expect(half.rawData).toHaveLength(10);
  });

  it('rejects stored values that disagree with the dims', () => {
    expect(() => tensorProto({ name: 'x', dataType: OnnxDataType.INT64, dims: [2], values: [1] }, rand)).toThrow(
      /1 stored values/,
    );
  });
});
