import { createReadStream } from 'node:fs';
import { fixturePath } from '../../test/support/fixtures';
import { ingestOnnx } from '../onnx/ingest';
import { partsFromIngested } from './model-parts';
import { profileModel } from './profile-run';
import { ModelParts, rebuildModel } from './rebuild-model';

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

describe('profileModel', () => {
  it('profiles squeezenet1_1 (real weights, rebuilt from stored-like parts): one stat per executed node', async () => {
    const ingested = await ingestOnnx(createReadStream(fixturePath('models', 'squeezenet1_1.onnx')));
    const bytes = rebuildModel(partsFromIngested(ingested));
    const progress: [number, number][] = [];
    const result = await profileModel(bytes, {
      runs: 3,
      warmup: 1,
      threads: 1,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(progress).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
    // Every node we do not fold has a stat, and every stat names one of our nodes. With optimisation disabled
    // ORT also runs the nodes we fold (Identity of a weight), so those may have stats too.
    const names = new Set(ingested.features.map((f) => f.name));
    const profiled = new Set(result.nodes.map((n) => n.node));
    expect([...profiled].filter((n) => !names.has(n))).toEqual([]);
    expect(ingested.features.filter((f) => !f.isConstant && !profiled.has(f.name)).map((f) => f.name)).toEqual([]);
    for (const n of result.nodes) {
      expect(n.runs).toBe(3);
      expect(n.medianUs).toBeGreaterThan(0);
      expect(n.p10Us).toBeLessThanOrEqual(n.medianUs);
      expect(n.p90Us).toBeGreaterThanOrEqual(n.medianUs);
    }
    expect(result.runs).toBe(3);
    expect(result.wholeModelMs.median).toBeGreaterThan(0);
    // The per-node times are a part of the whole run (the rest is dispatch overhead).
    expect(sum(result.nodes.map((n) => n.medianUs)) / 1000).toBeLessThan(result.wholeModelMs.p90 * 1.5);
  });

  it('fails with a message naming an op ONNX Runtime does not know', async () => {
    const parts: ModelParts = {
      irVersion: 8,
      opsets: [
        { domain: '', version: 17 },
        { domain: 'com.example', version: 1 },
      ],
      inputs: [{ name: 'x', elemType: 1, shape: [1, 4] }],
      outputs: [{ name: 'y', elemType: 1, shape: [1, 4] }],
      nodes: [
        { name: 'relu', opType: 'Relu', domain: '', inputs: ['x'], outputs: ['h'], attributes: {} },
        {
          name: 'mystery',
          opType: 'FrobnicateX',
          domain: 'com.example',
          inputs: ['h'],
          outputs: ['y'],
          attributes: {},
        },
      ],
      initializers: [],
    };
    await expect(profileModel(rebuildModel(parts), { runs: 1, warmup: 0, threads: 1 })).rejects.toThrow(/FrobnicateX/);
  });

  it('rejects bad options before loading anything', async () => {
    await expect(profileModel(new Uint8Array(), { runs: 0, warmup: 0, threads: 1 })).rejects.toThrow(/runs/);
    await expect(profileModel(new Uint8Array(), { runs: 1, warmup: 0, threads: 0 })).rejects.toThrow(/threads/);
  });
});
