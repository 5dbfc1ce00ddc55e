import { join } from 'node:path';
import {
  loadReferenceGraph,
  REFERENCE_DIR,
  REFERENCE_PLATFORMS,
  referenceGraphs,
} from '../platforms/reference/reference-data';
import { encodeNode } from './encoding';
import { loadPredictor, releaseSessions } from './predictor-runtime';
import { rooflineUs } from './roofline';

const dir = join(REFERENCE_DIR, 'predictors');

describe('predictor runtime on the committed reference predictors', () => {
  afterAll(() => releaseSessions());

  it.each(REFERENCE_PLATFORMS.map((p) => p.slug))(
    '%s predicts finite positive µs for resnet18, constants 0',
    async (slug) => {
      const predictor = loadPredictor(dir, slug);
      expect(predictor.artifact.slug).toBe(slug);
      const { features } = await loadReferenceGraph(referenceGraphs().find((g) => g.model === 'resnet18')!);
      const us = await predictor.predict(features);
      expect(us).toHaveLength(features.length);
      features.forEach((f, i) => {
        if (f.isConstant) expect(us[i]).toBe(0);
        else expect(Number.isFinite(us[i]) && us[i] > 0).toBe(true);
      });
      // Network outputs stay inside each class's training range (the stored clamp), then scale by the node's
      // roofline time (residual predictors) and by the whole-model correction.
      const clamp = predictor.artifact.clampLogUs!;
      const scale = Math.log(predictor.artifact.wholeModel?.scale ?? 1);
      features.forEach((f, i) => {
        const range = clamp[encodeNode(f).cls];
        const shift = scale + Math.log(rooflineUs(predictor.artifact.roofline, f));
        if (!f.isConstant && range) {
          expect(Math.log(us[i]) - shift).toBeGreaterThanOrEqual(range[0] - 1e-6);
          expect(Math.log(us[i]) - shift).toBeLessThanOrEqual(range[1] + 1e-6);
        }
      });
      // The target is recorded, and a roofline is stored exactly when the networks learnt the residual over it.
      const target = predictor.artifact.training.target;
      expect(['latency', 'roofline-residual']).toContain(target);
      expect(predictor.artifact.roofline !== undefined).toBe(target === 'roofline-residual');
      // A 3×3 conv costs more than the Relu after it on every platform.
      const conv = features.findIndex((f) => f.name === '/layer1/layer1.0/conv1/Conv');
      const relu = features.findIndex((f) => f.name === '/layer1/layer1.0/relu/Relu');
      expect(us[conv]).toBeGreaterThan(us[relu]);
      // Stored metrics are leave-one-model-out over the 8 reference models, for the MLP and both baselines.
      for (const k of ['mlp', 'neurosurgeon', 'nnMeter'])
        expect(predictor.artifact.metrics[k]).toMatchObject({ models: 8 });
    },
  );

  it('runs all nodes of a model in one batch per network and is stable across calls (cached sessions)', async () => {
    const predictor = loadPredictor(dir, 'ref-cpu1');
    const { features } = await loadReferenceGraph(referenceGraphs().find((g) => g.model === 'mobilenet_v2')!);
    const a = await predictor.predict(features);
    const b = await predictor.predict(features);
    expect(b).toEqual(a);
  });
});
