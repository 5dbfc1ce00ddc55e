import { join } from 'node:path';
import { loadReferenceGraph, REFERENCE_DIR, referenceGraphs } from '../platforms/reference/reference-data';
import { cachedSessionCount, loadPredictor, releasePredictor, releaseSessions } from './predictor-runtime';

const dir = join(REFERENCE_DIR, 'predictors');

describe('ORT session cache: a superseded predictor is evicted', () => {
  afterAll(() => releaseSessions());

  it('releases one predictor’s sessions, even while an inference runs on them, and keeps the others', async () => {
    await releaseSessions();
    const { features } = await loadReferenceGraph(referenceGraphs().find((g) => g.model === 'resnet18')!);
    const old = loadPredictor(dir, 'ref-cpu1');
    const other = loadPredictor(dir, 'ref-cpu16');
    const expected = await old.predict(features);
    await other.predict(features);
    const both = cachedSessionCount();
    expect(both).toBeGreaterThan(0);

    // Superseded while an inference is under way: that inference still completes with the same answer.
    const running = old.predict(features);
    await releasePredictor(old.artifact.id);
    expect(await running).toEqual(expected);
    expect(cachedSessionCount()).toBeLessThan(both);
    const left = cachedSessionCount();
    expect(left).toBeGreaterThan(0);

    await releasePredictor(other.artifact.id);
    expect(cachedSessionCount()).toBe(0);
  });
});
