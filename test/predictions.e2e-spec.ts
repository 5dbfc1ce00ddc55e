import { readFileSync } from 'node:fs';
import { fixturePath } from './support/fixtures';
import { api, bearer, createTenantKey, startTestApp, TestApp } from './support/test-app';

interface NodeLatency {
  name: string;
  latencyUs: number;
  source: string;
}

describe('predictions (e2e)', () => {
  let t: TestApp;
  let key: string;
  let mnistId: string;
  let squeezeId: string;

  beforeAll(async () => {
    t = await startTestApp();
    key = (await createTenantKey(t, 'predictions')).key;
    const upload = async (dir: string, file: string) =>
      (
        await api(t)
          .post('/v1/models')
          .set(bearer(key))
          .attach('file', readFileSync(fixturePath(dir, file)), file)
          .expect(201)
      ).body.id as string;
    mnistId = await upload('third_party', 'mnist.onnx');
    squeezeId = await upload('graphs', 'squeezenet1_1.onnx');
    await api(t).post('/v1/platforms').set(bearer(key)).send({ slug: 'board', name: 'Board', kind: 'cpu' }).expect(201);
    await api(t)
      .post('/v1/platforms/board/measurements')
      .set(bearer(key))
      .field('modelId', mnistId)
      .attach('trace', readFileSync(fixturePath('traces', 'mnist-ort-trace.json')), 'trace.json')
      .expect(201);
    await api(t)
      .post('/v1/platforms')
      .set(bearer(key))
      .send({ slug: 'board-x3', name: 'Board, 3x slower', derivedFrom: 'board', scale: 3 })
      .expect(201);
  });
  afterAll(() => t.close());

  const predict = (modelId: string, platform: string, as = key) =>
    api(t).post('/v1/predictions').set(bearer(as)).send({ modelId, platform });

  it('uses measurements of the same model, node and platform, and folds constants', async () => {
    const res = await predict(mnistId, 'board').expect(200);
    const layers = (await api(t).get(`/v1/models/${mnistId}/layers`).set(bearer(key)).expect(200)).body.items;
    expect(res.body.nodes.map((n: NodeLatency) => n.name)).toEqual(layers.map((l: { name: string }) => l.name));
    expect(res.body.predictorId).toBeNull();
    const measured = (
      await api(t).get(`/v1/platforms/board/measurements?modelId=${mnistId}`).set(bearer(key)).expect(200)
    ).body.items as { node: string; medianUs: number }[];
    // A constant node (a Reshape of a weight) is folded even though the unoptimised profile timed it.
    const constant = new Set(
      layers.filter((l: { isConstant: boolean }) => l.isConstant).map((l: { name: string }) => l.name),
    );
    expect(constant.size).toBeGreaterThan(0);
    for (const n of res.body.nodes as NodeLatency[]) {
      const m = measured.find((x) => x.node === n.name);
      if (constant.has(n.name)) expect(n).toMatchObject({ source: 'constant', latencyUs: 0 });
      else expect(n).toMatchObject({ source: 'measured', latencyUs: m!.medianUs });
    }
    const sum = (res.body.nodes as NodeLatency[]).reduce((s, n) => s + n.latencyUs, 0);
    expect(res.body.totalMs).toBeCloseTo(sum / 1000, 9);
  });

  it('derived platforms predict scale × their base', async () => {
    const base = (await predict(mnistId, 'board').expect(200)).body;
    const derived = (await predict(mnistId, 'board-x3').expect(200)).body;
    expect(derived.totalMs).toBeCloseTo(base.totalMs * 3, 9);
    derived.nodes.forEach((n: NodeLatency, i: number) =>
      expect(n.latencyUs).toBeCloseTo(base.nodes[i].latencyUs * 3, 9),
    );
  });

  it("fits a derived platform's scale to whole-model latencies measured on the device", async () => {
    const base = (await predict(mnistId, 'board').expect(200)).body.totalMs as number;
    const res = await api(t)
      .post('/v1/platforms')
      .set(bearer(key))
      .send({
        slug: 'board-cal',
        name: 'Calibrated',
        derivedFrom: 'board',
        calibration: [{ modelId: mnistId, totalMs: base * 2.5 }],
      })
      .expect(201);
    expect(res.body.scale).toBeCloseTo(2.5, 9);
    expect(res.body.calibration).toMatchObject({
      residualLog: 0,
      points: [{ modelId: mnistId, measuredMs: base * 2.5 }],
    });
    expect(res.body.calibration.points[0].baseMs).toBeCloseTo(base, 9);
    expect((await predict(mnistId, 'board-cal').expect(200)).body.totalMs).toBeCloseTo(base * 2.5, 9);

    const post = (body: object) =>
      api(t)
        .post('/v1/platforms')
        .set(bearer(key))
        .send({ name: 'x', ...body });
    const point = [{ modelId: mnistId, totalMs: 1 }];
    expect((await post({ slug: 'c1', derivedFrom: 'board', scale: 2, calibration: point })).body.message).toMatch(
      /either scale or calibration/,
    );
    expect((await post({ slug: 'c2', kind: 'cpu', calibration: point })).status).toBe(400);
    expect((await post({ slug: 'c3', derivedFrom: 'board', calibration: [] })).status).toBe(400);
    expect(
      (await post({ slug: 'c4', derivedFrom: 'board', calibration: [{ modelId: mnistId, totalMs: -1 }] })).status,
    ).toBe(400);
    const unknownModel = [{ modelId: '00000000-0000-4000-8000-000000000000', totalMs: 3 }];
    expect((await post({ slug: 'c5', derivedFrom: 'board', calibration: unknownModel })).status).toBe(404);
    await api(t).get('/v1/platforms/c1').set(bearer(key)).expect(404);
  });

  it('answers 409 when a platform has neither a predictor nor measurements for every node', async () => {
    const res = await predict(squeezeId, 'board').expect(409);
    expect(res.body.message).toMatch(/no predictor/);
  });

  it('404 for unknown or foreign models and platforms, 400 for bad bodies', async () => {
    await predict('00000000-0000-4000-8000-000000000000', 'board').expect(404);
    await predict(mnistId, 'nope').expect(404);
    const other = await createTenantKey(t, 'foreign');
    await predict(mnistId, 'board', other.key).expect(404);
    await api(t).post('/v1/predictions').set(bearer(key)).send({ modelId: 'x', platform: 'board' }).expect(400);
    await api(t).post('/v1/predictions').set(bearer(key)).send({ modelId: mnistId }).expect(400);
  });
});
