import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ReferenceSeeder } from '../src/platforms/reference-seeder';
import { onnxFiles } from './support/fixtures';
import { api, bearer, createTenantKey, startTestApp, TestApp } from './support/test-app';

describe('reference platforms (e2e)', () => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    t = await startTestApp({ SEED_REFERENCE: true });
    key = (await createTenantKey(t, 'reference')).key;
  }, 180_000);
  afterAll(() => t.close());

  const counts = async () =>
    (
      await t.dataSource.query(
        `SELECT (SELECT count(*) FROM platforms WHERE tenant_id IS NULL)::int AS platforms,
                (SELECT count(*) FROM models WHERE tenant_id IS NULL)::int AS models,
                (SELECT count(*) FROM measurements)::int AS measurements`,
      )
    )[0];

  it('are there after boot, shared with every tenant, with their measurements', async () => {
    const list = await api(t).get('/v1/platforms').set(bearer(key)).expect(200);
    const reference = list.body.items.filter((p: { reference: boolean }) => p.reference);
    expect(reference.map((p: { slug: string }) => p.slug).sort()).toEqual(['ref-cpu1', 'ref-cpu16', 'ref-h200']);
    for (const slug of ['ref-cpu1', 'ref-cpu16', 'ref-h200']) {
      const m = await api(t).get(`/v1/platforms/${slug}/measurements?limit=5`).set(bearer(key)).expect(200);
      expect(m.body.total).toBeGreaterThan(1000);
      expect(m.body.items[0]).toMatchObject({ source: 'reference' });
    }
    // 8 models + 31 generated + 12 sweep graphs.
    expect((await counts()).models).toBe(51);
  });

  it('are read-only', async () => {
    const res = await api(t)
      .post('/v1/platforms/ref-cpu1/measurements')
      .set(bearer(key))
      .send({ modelId: '00000000-0000-4000-8000-000000000000', nodes: [{ node: 'a', medianUs: 1 }] });
    expect(res.status).toBe(403);
  });

  it('list their committed predictors with leave-one-model-out metrics, and cannot be retrained', async () => {
    for (const slug of ['ref-cpu1', 'ref-cpu16', 'ref-h200']) {
      const res = await api(t).get(`/v1/platforms/${slug}/predictors`).set(bearer(key)).expect(200);
      expect(res.body.items).toHaveLength(1);
      expect(res.body.items[0]).toMatchObject({ platform: slug, active: true });
      for (const name of ['mlp', 'neurosurgeon', 'nnMeter']) expect(res.body.items[0].metrics[name].models).toBe(8);
    }
    await api(t).post('/v1/platforms/ref-cpu1/predictors').set(bearer(key)).expect(403);
  });

  it('seed idempotently', async () => {
    const before = await counts();
    await t.app.get(ReferenceSeeder).onApplicationBootstrap();
    expect(await counts()).toEqual(before);
  });
});

describe('predictions on the reference platforms (e2e)', () => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    t = await startTestApp({ SEED_REFERENCE: true });
    key = (await createTenantKey(t, 'ref-predict')).key;
  }, 180_000);
  afterAll(() => t.close());

  const files = onnxFiles('graphs', 'third_party');
  it('plans on the reference platforms with an end device 10x slower than ref-cpu1: the total is the cost model applied', async () => {
    await api(t)
      .post('/v1/platforms')
      .set(bearer(key))
      .send({ slug: 'slow-phone', name: 'ref-cpu1 x10', derivedFrom: 'ref-cpu1', scale: 10 })
      .expect(201);
    const path = files.find((f) => f.endsWith('squeezenet1_1.onnx'))!;
    const modelId = (
      await api(t)
        .post('/v1/models')
        .set(bearer(key))
        .attach('file', readFileSync(path), 'squeezenet1_1.onnx')
        .expect(201)
    ).body.id;
    const network = {
      tiers: [
        { name: 'end', platform: 'slow-phone' },
        { name: 'edge', platform: 'ref-cpu16' },
        { name: 'cloud', platform: 'ref-h200' },
      ],
      links: [{ preset: '4g' }, { preset: 'wan' }],
    };
    const plan = (
      await api(t).post('/v1/plans').set(bearer(key)).send({ modelId, network, transferDtype: 'int8' }).expect(201)
    ).body;
    const layers = (await api(t).get(`/v1/models/${modelId}/layers`).set(bearer(key))).body.items as { name: string }[];
    expect(plan.tiers.flatMap((x: { nodes: string[] }) => x.nodes).sort()).toEqual(layers.map((l) => l.name).sort());
    for (const tier of plan.tiers as { platform: string; nodes: string[]; computeMs: number }[]) {
      const nodes = (await api(t).post('/v1/predictions').set(bearer(key)).send({ modelId, platform: tier.platform }))
        .body.nodes as { name: string; latencyUs: number }[];
      const byName = new Map(nodes.map((n) => [n.name, n.latencyUs]));
      expect(tier.computeMs).toBeCloseTo(tier.nodes.reduce((sum, n) => sum + byName.get(n)!, 0) / 1000, 6);
    }
    const rest = [...plan.transfers, ...plan.returns].reduce((sum: number, x: { ms: number }) => sum + x.ms, 0);
    const compute = plan.tiers.reduce((sum: number, x: { computeMs: number }) => sum + x.computeMs, 0);
    expect(plan.totalMs).toBeCloseTo(compute + rest, 6);
    expect(plan.returnMs).toBeCloseTo(
      plan.returns.reduce((sum: number, x: { ms: number }) => sum + x.ms, 0),
      9,
    );
    for (const b of Object.values(plan.baselines) as number[]) expect(plan.totalMs).toBeLessThanOrEqual(b + 1e-9);
  });

  it.each(files)('%s: a node for every node on every reference platform', async (path) => {
    const upload = await api(t)
      .post('/v1/models')
      .set(bearer(key))
      .attach('file', readFileSync(path), basename(path))
      .field('inputShapes', basename(path).startsWith('ch_ppocr') ? JSON.stringify({ x: [1, 3, 48, 192] }) : '{}')
      .expect(201);
    for (const platform of ['ref-cpu1', 'ref-cpu16', 'ref-h200']) {
      const res = await api(t).post('/v1/predictions').set(bearer(key)).send({ modelId: upload.body.id, platform });
      expect(res.status).toBe(200);
      expect(res.body.nodes).toHaveLength(upload.body.nodeCount);
      // A graph whose every node its reference twin measured needs no predictor.
      const predicted = (res.body.nodes as { source: string }[]).some((n) => n.source === 'predicted');
      expect(res.body.predictorId).toEqual(predicted ? expect.any(String) : null);
      for (const n of res.body.nodes as { latencyUs: number; source: string }[]) {
        expect(Number.isFinite(n.latencyUs) && n.latencyUs >= 0).toBe(true);
        // An upload of a reference graph finds that graph's measurements by its fingerprint.
        expect(['predicted', 'measured', 'constant', 'fused']).toContain(n.source);
      }
      expect(res.body.totalMs).toBeGreaterThan(0);
      // The CPUs answer for the deployed runtime: kernels whose costs add up to the total, nodes included once.
      if (platform !== 'ref-h200') {
        expect(res.body.graphOptimization).toBe('all');
        const kernels = res.body.kernels as { nodes: string[]; latencyUs: number }[];
        const kernelUs = kernels.reduce((sum, k) => sum + k.latencyUs, 0);
        expect(kernelUs / 1000).toBeCloseTo(res.body.totalMs, 6);
        const inKernels = kernels.flatMap((k) => k.nodes);
        expect(new Set(inKernels).size).toBe(inKernels.length);
      }
    }
  });
});
