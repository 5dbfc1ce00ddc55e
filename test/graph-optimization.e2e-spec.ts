import { readFileSync } from 'node:fs';
import { fixturePath } from './support/fixtures';
import { measuredMnistOnThreeTiers, THREE_TIERS } from './support/factories';
import { api, bearer, createTenantKey, startTestApp, TestApp } from './support/test-app';

interface Kernel {
  kernel: string;
  nodes: string[];
  latencyUs: number;
  source: string;
}
interface Tier {
  tier: string;
  computeMs: number;
  nodes: string[];
  runtime: string;
  graphOptimization: string | null;
  kernels: Kernel[];
}

/** Which runtime and graph optimisation a latency describes: platforms, predictions and plans (issue 10). */
describe('runtimes and graph optimisation (e2e)', () => {
  let t: TestApp;
  let key: string;
  let mnistId: string;

  beforeAll(async () => {
    t = await startTestApp({ SEED_REFERENCE: true });
    key = (await createTenantKey(t, 'graph-optimization')).key;
    mnistId = await measuredMnistOnThreeTiers(t, key);
  }, 180_000);
  afterAll(() => t.close());

  const predict = (body: object) => api(t).post('/v1/predictions').set(bearer(key)).send(body);
  const plan = (body: object) => api(t).post('/v1/plans').set(bearer(key)).send(body);
  const createPlatform = (body: object) => api(t).post('/v1/platforms').set(bearer(key)).send(body);
  const planCount = async (): Promise<number> =>
    (await t.dataSource.query('SELECT count(*)::int AS n FROM plans'))[0].n;

  it('platforms say which runtime their latencies describe and which modes they have a model for', async () => {
    const cpu1 = (await api(t).get('/v1/platforms/ref-cpu1').set(bearer(key)).expect(200)).body;
    expect(cpu1).toMatchObject({ runtime: 'onnxruntime', defaultGraphOptimization: 'all' });
    expect(cpu1.graphOptimizations).toContain('disabled');
    const h200 = (await api(t).get('/v1/platforms/ref-h200').set(bearer(key)).expect(200)).body;
    expect(h200).toMatchObject({ runtime: 'pytorch-eager', defaultGraphOptimization: null, graphOptimizations: [] });
    const phone = (await api(t).get('/v1/platforms/phone').set(bearer(key)).expect(200)).body;
    expect(phone).toMatchObject({ runtime: 'onnxruntime', defaultGraphOptimization: 'all' });
    // A tenant's platform has per-node latencies only (no deployed cost model): it says so.
    expect(phone.graphOptimizations).toEqual(['disabled']);
    const list = (await api(t).get('/v1/platforms?limit=1000').set(bearer(key)).expect(200)).body.items;
    expect(list.find((p: { slug: string }) => p.slug === 'ref-h200')).toMatchObject({ runtime: 'pytorch-eager' });
  });

  it('new platforms: ONNX Runtime by default (all on a CPU, disabled elsewhere); derived ones run what their base runs', async () => {
    const gpu = (await createPlatform({ slug: 'ort-gpu', name: 'ORT CUDA', kind: 'gpu' }).expect(201)).body;
    expect(gpu).toMatchObject({ runtime: 'onnxruntime', defaultGraphOptimization: 'disabled' });
    const eager = (
      await createPlatform({ slug: 'eager', name: 'eager', kind: 'gpu', runtime: 'pytorch-eager' }).expect(201)
    ).body;
    expect(eager).toMatchObject({ runtime: 'pytorch-eager', defaultGraphOptimization: null, graphOptimizations: [] });
    const chosen = (
      await createPlatform({ slug: 'ort-cpu', name: 'x', kind: 'cpu', defaultGraphOptimization: 'disabled' }).expect(
        201,
      )
    ).body;
    expect(chosen.defaultGraphOptimization).toBe('disabled');
    const derived = (
      await createPlatform({ slug: 'h200-x2', name: 'half an H200', derivedFrom: 'ref-h200', scale: 2 }).expect(201)
    ).body;
    expect(derived).toMatchObject({ runtime: 'pytorch-eager', defaultGraphOptimization: null, graphOptimizations: [] });
  });

  it('rejects runtimes and modes that do not fit, writing nothing', async () => {
    const before = (await t.dataSource.query('SELECT count(*)::int AS n FROM platforms'))[0].n;
    const bad = [
      { slug: 'b1', name: 'x', kind: 'cpu', runtime: 'tensorflow' },
      { slug: 'b2', name: 'x', kind: 'cpu', defaultGraphOptimization: 'extended' },
      { slug: 'b3', name: 'x', kind: 'gpu', runtime: 'pytorch-eager', defaultGraphOptimization: 'all' },
      { slug: 'b4', name: 'x', derivedFrom: 'phone', scale: 2, runtime: 'pytorch-eager' },
      { slug: 'b5', name: 'x', derivedFrom: 'phone', scale: 2, defaultGraphOptimization: 'disabled' },
    ];
    for (const body of bad) {
      const res = await createPlatform(body).expect(400);
      expect(res.body.message).toMatch(/runtime|defaultGraphOptimization|graph optimisation/);
    }
    expect((await t.dataSource.query('SELECT count(*)::int AS n FROM platforms'))[0].n).toBe(before);
  });

  it('predictions reject a graphOptimization that is not all or disabled', async () => {
    for (const graphOptimization of ['fast', 'ALL', '', 1, null, ['all'], { all: true }]) {
      const res = await predict({ modelId: mnistId, platform: 'phone', graphOptimization }).expect(400);
      expect(JSON.stringify(res.body.message)).toMatch(/graphOptimization must be one of: all, disabled/);
    }
  });

  it('predictions reject a mode the platform has no model for, naming what it has', async () => {
    const all = await predict({ modelId: mnistId, platform: 'phone', graphOptimization: 'all' }).expect(400);
    expect(all.body.message).toMatch(/'phone' has no latency model for graphOptimization 'all': it has disabled/);
    expect(all.body.details).toMatchObject({ graphOptimizations: ['disabled'] });
    for (const graphOptimization of ['all', 'disabled']) {
      const res = await predict({ modelId: mnistId, platform: 'ref-h200', graphOptimization }).expect(400);
      expect(res.body.message).toMatch(/ref-h200.*pytorch-eager.*no graph optimisation modes/);
    }
  });

  it('answer in the platform default when it has a model for it, else in the mode it has, and say which', async () => {
    const res = (await predict({ modelId: mnistId, platform: 'phone' }).expect(200)).body;
    expect(res).toMatchObject({ runtime: 'onnxruntime', graphOptimization: 'disabled' });
    const explicit = (await predict({ modelId: mnistId, platform: 'phone', graphOptimization: 'disabled' }).expect(200))
      .body;
    expect(explicit).toEqual(res);
    const eager = (await predict({ modelId: mnistId, platform: 'ref-h200' }).expect(200)).body;
    expect(eager).toMatchObject({ runtime: 'pytorch-eager', graphOptimization: null });
  });

  it('disabled lists one kernel per non-constant node, and per-node latencies sum to the kernels', async () => {
    const res = (await predict({ modelId: mnistId, platform: 'phone', graphOptimization: 'disabled' }).expect(200))
      .body;
    const running = res.nodes.filter((n: { source: string }) => n.source !== 'constant');
    expect(res.kernels.map((k: Kernel) => k.nodes)).toEqual(running.map((n: { name: string }) => [n.name]));
    res.kernels.forEach((k: Kernel, i: number) => {
      expect(k).toMatchObject({ kernel: running[i].name, latencyUs: running[i].latencyUs, source: 'measured' });
    });
    const kernelSum = res.kernels.reduce((s: number, k: Kernel) => s + k.latencyUs, 0);
    expect(res.totalMs).toBeCloseTo(kernelSum / 1000, 9);
  });

  it('plans reject a bad graphOptimization or one a tier has no model for, writing no plan', async () => {
    const before = await planCount();
    for (const graphOptimization of ['max', 0, true]) {
      const res = await plan({ modelId: mnistId, network: THREE_TIERS, graphOptimization }).expect(400);
      expect(JSON.stringify(res.body.message)).toMatch(/graphOptimization must be one of/);
    }
    const all = await plan({ modelId: mnistId, network: THREE_TIERS, graphOptimization: 'all' }).expect(400);
    expect(all.body.message).toMatch(/'phone' has no latency model for graphOptimization 'all': it has disabled/);
    expect(await planCount()).toBe(before);
  });

  it('plans say per tier which runtime and mode they describe and list each tier’s kernels once', async () => {
    const network = {
      tiers: [
        { name: 'end', platform: 'phone' },
        { name: 'cloud', platform: 'ref-h200' },
      ],
      links: [{ uplinkMbps: 5, downlinkMbps: 20, rttMs: 30 }],
    };
    // The requested mode applies to the ONNX Runtime tier; PyTorch eager runs as it runs.
    const res = (await plan({ modelId: mnistId, network, graphOptimization: 'disabled' }).expect(201)).body;
    expect(res.graphOptimization).toBe('disabled');
    const tiers = res.tiers as Tier[];
    expect(tiers.map((x) => [x.runtime, x.graphOptimization])).toEqual([
      ['onnxruntime', 'disabled'],
      ['pytorch-eager', null],
    ]);
    const listed = tiers.flatMap((x) => x.kernels.flatMap((k) => k.nodes));
    const layers = (await api(t).get(`/v1/models/${mnistId}/layers`).set(bearer(key)).expect(200)).body.items;
    const running = layers.filter((l: { isConstant: boolean }) => !l.isConstant).map((l: { name: string }) => l.name);
    expect(listed.sort()).toEqual([...running].sort());
    for (const tier of tiers) {
      const sum = tier.kernels.reduce((s, k) => s + k.latencyUs, 0);
      expect(tier.computeMs).toBeCloseTo(sum / 1000, 9);
      for (const k of tier.kernels) for (const n of k.nodes) expect(tier.nodes).toContain(n);
    }
    const stored = (await api(t).get(`/v1/plans/${res.id}`).set(bearer(key)).expect(200)).body;
    expect(stored.tiers).toEqual(res.tiers);
  });

  it('plans on the reference graphs still answer per node with disabled', async () => {
    const resnet = (
      await api(t)
        .post('/v1/models')
        .set(bearer(key))
        .attach('file', readFileSync(fixturePath('graphs', 'resnet18.onnx')), 'resnet18.onnx')
        .expect(201)
    ).body.id;
    const network = {
      tiers: [
        { name: 'end', platform: 'ref-cpu1' },
        { name: 'edge', platform: 'ref-cpu16' },
      ],
      links: [{ uplinkMbps: 20, downlinkMbps: 50, rttMs: 10 }],
    };
    const res = (await plan({ modelId: resnet, network, graphOptimization: 'disabled' }).expect(201)).body;
    for (const tier of res.tiers as Tier[]) {
      expect(tier.graphOptimization).toBe('disabled');
      expect(tier.kernels.every((k) => k.nodes.length === 1)).toBe(true);
    }
    expect(res.predictionSources.fused).toBe(0);
  });
});
