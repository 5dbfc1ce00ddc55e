import { runJob, uploadModel } from './support/factories';
import { api, bearer, createTenantKey, startTestApp, TestApp } from './support/test-app';

interface Layer {
  name: string;
  macs: number;
  isConstant: boolean;
  outputs: { bytes: number | null }[];
}

describe('training predictors (e2e)', () => {
  let t: TestApp;
  let key: string;
  const ids: Record<string, string> = {};

  /** A plausible device: time grows with MACs and with bytes written, plus a fixed dispatch cost. */
  const syntheticUs = (l: Layer) => 3 + l.macs / 2e4 + (l.outputs[0]?.bytes ?? 0) / 5e3;

  beforeAll(async () => {
    t = await startTestApp();
    key = (await createTenantKey(t, 'trainer')).key;
    for (const name of ['squeezenet1_1', 'resnet18', 'mobilenet_v2', 'alexnet']) {
      ids[name] = await uploadModel(t, key, 'graphs', `${name}.onnx`);
    }
    await api(t)
      .post('/v1/platforms')
      .set(bearer(key))
      .send({ slug: 'jetson', name: 'Jetson', kind: 'gpu' })
      .expect(201);
    for (const name of ['squeezenet1_1', 'resnet18', 'mobilenet_v2']) {
      const layers: Layer[] = (await api(t).get(`/v1/models/${ids[name]}/layers`).set(bearer(key))).body.items;
      const nodes = layers.filter((l) => !l.isConstant).map((l) => ({ node: l.name, medianUs: syntheticUs(l) }));
      await api(t)
        .post('/v1/platforms/jetson/measurements')
        .set(bearer(key))
        .send({ modelId: ids[name], nodes })
        .expect(201);
    }
  });
  afterAll(() => t.close());

  it('refuses to train without measurements or on a derived one (reference platforms: reference spec)', async () => {
    await api(t).post('/v1/platforms').set(bearer(key)).send({ slug: 'empty', name: 'Empty', kind: 'cpu' }).expect(201);
    const empty = await api(t).post('/v1/platforms/empty/predictors').set(bearer(key)).expect(409);
    expect(empty.body.message).toMatch(/no measurements/);
    await api(t)
      .post('/v1/platforms')
      .set(bearer(key))
      .send({ slug: 'jetson-x2', name: 'slow', derivedFrom: 'jetson', scale: 2 })
      .expect(201);
    expect((await api(t).post('/v1/platforms/jetson-x2/predictors').set(bearer(key)).expect(409)).body.message).toMatch(
      /derived/,
    );
    await api(t).post('/v1/platforms/nope/predictors').set(bearer(key)).expect(404);
  });

  it('trains from the measurements, stores honest leave-one-model-out metrics, and predicts unseen models', async () => {
    await api(t)
      .post('/v1/predictions')
      .set(bearer(key))
      .send({ modelId: ids.alexnet, platform: 'jetson' })
      .expect(409);
    const job = await runJob(t, key, '/v1/platforms/jetson/predictors');
    expect(job).toMatchObject({ kind: 'train-predictor', state: 'succeeded', progress: 1, attempts: 1 });
    // Three models: both targets were compared by leave-one-model-out, and the job says which one won.
    expect(['latency', 'roofline-residual']).toContain(job.result!.target);
    // Progress rose through the leave-one-model-out folds, never backwards.
    const progress = job.seen.map((j) => j.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const listed = await api(t).get('/v1/platforms/jetson/predictors').set(bearer(key)).expect(200);
    const trained = { body: listed.body.items[0] };
    expect(listed.body.items.map((p: { id: string }) => p.id)).toEqual([job.result!.predictorId]);
    expect(trained.body).toMatchObject({ platform: 'jetson', active: true, mode: 'shared' });
    for (const name of ['mlp', 'neurosurgeon', 'nnMeter']) {
      expect(trained.body.metrics[name]).toMatchObject({ models: 3 });
      expect(trained.body.metrics[name].nodeMape).toBeGreaterThanOrEqual(0);
    }

    const res = await api(t)
      .post('/v1/predictions')
      .set(bearer(key))
      .send({ modelId: ids.alexnet, platform: 'jetson' });
    expect(res.status).toBe(200);
    expect(res.body.predictorId).toBe(trained.body.id);
    const layers: Layer[] = (await api(t).get(`/v1/models/${ids.alexnet}/layers`).set(bearer(key))).body.items;
    const truth = layers.reduce((s, l) => s + (l.isConstant ? 0 : syntheticUs(l)), 0) / 1000;
    // A smooth synthetic device learnt from three CNNs: the unseen model's total lands within a factor of two.
    expect(res.body.totalMs / truth).toBeGreaterThan(0.5);
    expect(res.body.totalMs / truth).toBeLessThan(2);
    // Measured nodes still win over the predictor.
    const measured = await api(t)
      .post('/v1/predictions')
      .set(bearer(key))
      .send({ modelId: ids.resnet18, platform: 'jetson' });
    expect(measured.body.nodes.every((n: { source: string }) => n.source !== 'predicted')).toBe(true);

    const again = await runJob(t, key, '/v1/platforms/jetson/predictors');
    const both = (await api(t).get('/v1/platforms/jetson/predictors').set(bearer(key))).body.items;
    expect(both.map((p: { id: string; active: boolean }) => [p.id, p.active])).toEqual([
      [again.result!.predictorId, true],
      [trained.body.id, false],
    ]);
  });

  it("hides another tenant's platform", async () => {
    const other = await createTenantKey(t, 'trainer-other');
    await api(t).post('/v1/platforms/jetson/predictors').set(bearer(other.key)).expect(404);
    await api(t).get('/v1/platforms/jetson/predictors').set(bearer(other.key)).expect(404);
  });
});
