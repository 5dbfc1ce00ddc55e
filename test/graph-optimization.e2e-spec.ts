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
    for (const slug of ['ref-cpu1', 'ref-cpu16']) {
      const cpu = (await api(t).get(`/v1/platforms/${slug}`).set(bearer(key)).expect(200)).body;
      expect(cpu).toMatchObject({ runtime: 'onnxruntime', defaultGraphOptimization: 'all' });
      expect(cpu.graphOptimizations).toEqual(['all', 'disabled']);
    }
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

  describe('at all on the reference CPUs', () => {
    let resnet: string;
    const REFERENCE_TIERS = (end: string, up: number) => ({
      tiers: [
        { name: 'end', platform: end },
        { name: 'edge', platform: 'ref-cpu16' },
        { name: 'cloud', platform: 'ref-h200' },
      ],
      links: [
        { uplinkMbps: up, downlinkMbps: up * 4, rttMs: 20 },
        { uplinkMbps: 100, downlinkMbps: 100, rttMs: 40 },
      ],
    });

    beforeAll(async () => {
      resnet = (
        await api(t)
          .post('/v1/models')
          .set(bearer(key))
          .attach('file', readFileSync(fixturePath('graphs', 'resnet18.onnx')), 'resnet18.onnx')
          .expect(201)
      ).body.id;
      await createPlatform({ slug: 'cpu1-x2', name: 'twice ref-cpu1', derivedFrom: 'ref-cpu1', scale: 2 }).expect(201);
      await createPlatform({ slug: 'cpu1-x50', name: 'slow', derivedFrom: 'ref-cpu1', scale: 50 }).expect(201);
    });

    it('predict deployed latency by default: kernels listed, their cost on the main node, fused nodes 0', async () => {
      const all = (await predict({ modelId: resnet, platform: 'ref-cpu1' }).expect(200)).body;
      expect(all).toMatchObject({ runtime: 'onnxruntime', graphOptimization: 'all' });
      expect(all.predictorId).toMatch(/deployed/);
      const byName = new Map<string, { latencyUs: number; source: string }>(
        all.nodes.map((n: { name: string; latencyUs: number; source: string }) => [n.name, n]),
      );
      expect(all.kernels.length).toBeLessThan(all.nodes.length);
      expect(all.kernels.some((k: Kernel) => k.nodes.length >= 2)).toBe(true); // Conv + Relu at least
      const listed = all.kernels.flatMap((k: Kernel) => k.nodes);
      expect(new Set(listed).size).toBe(listed.length); // every node in at most one kernel
      for (const k of all.kernels as Kernel[]) {
        const latencies = k.nodes.map((n) => byName.get(n)!.latencyUs);
        expect(latencies.reduce((a, b) => a + b, 0)).toBeCloseTo(k.latencyUs, 6);
        expect(latencies.filter((us) => us !== 0).length).toBeLessThanOrEqual(1);
        if (k.nodes.length > 1)
          expect(k.nodes.filter((n) => byName.get(n)!.source === 'fused').length).toBeGreaterThan(0);
      }
      const sum = all.kernels.reduce((s: number, k: Kernel) => s + k.latencyUs, 0);
      expect(all.totalMs).toBeCloseTo(sum / 1000, 6);
      const disabled = (
        await predict({ modelId: resnet, platform: 'ref-cpu1', graphOptimization: 'disabled' }).expect(200)
      ).body;
      expect(disabled.graphOptimization).toBe('disabled');
      expect(disabled.nodes.some((n: { source: string }) => n.source === 'fused')).toBe(false);
      // What is deployed is faster than the profiling mode (0.25–0.76 of it on the 39 reference models).
      expect(all.totalMs).toBeLessThan(disabled.totalMs);
      expect(all.totalMs).toBeGreaterThan(0.1 * disabled.totalMs);
    });

    it('derived platforms inherit both modes: scale × the base kernel by kernel', async () => {
      const described = (await api(t).get('/v1/platforms/cpu1-x2').set(bearer(key)).expect(200)).body;
      expect(described).toMatchObject({ defaultGraphOptimization: 'all', graphOptimizations: ['all', 'disabled'] });
      const base = (await predict({ modelId: resnet, platform: 'ref-cpu1' }).expect(200)).body;
      const derived = (await predict({ modelId: resnet, platform: 'cpu1-x2' }).expect(200)).body;
      expect(derived.graphOptimization).toBe('all');
      derived.kernels.forEach((k: Kernel, i: number) =>
        expect(k.latencyUs).toBeCloseTo(base.kernels[i].latencyUs * 2, 6),
      );
    });

    it('a kernel measured at all on the platform wins over its predicted cost', async () => {
      const before = (await predict({ modelId: resnet, platform: 'cpu1-x2' }).expect(200)).body;
      const target = (before.kernels as Kernel[]).find((k) => k.nodes.length > 1)!;
      const [platform] = await t.dataSource.query("SELECT id FROM platforms WHERE slug = 'cpu1-x2'");
      const [main] = await t.dataSource.query('SELECT idx FROM model_nodes WHERE model_id = $1 AND name = $2', [
        resnet,
        target.nodes[0],
      ]);
      await t.dataSource.query(
        `INSERT INTO kernel_measurements (platform_id, model_id, kernel, main_node_idx, median_us, source)
         VALUES ($1, $2, $3, $4, 1234.5, 'upload')`,
        [platform.id, resnet, target.kernel, main.idx],
      );
      const after = (await predict({ modelId: resnet, platform: 'cpu1-x2' }).expect(200)).body;
      const measured = (after.kernels as Kernel[]).find((k) => k.kernel === target.kernel)!;
      expect(measured).toMatchObject({ latencyUs: 1234.5, source: 'measured' });
      expect(after.totalMs).toBeCloseTo(before.totalMs + (1234.5 - target.latencyUs) / 1000, 6);
      // Plans see it too: their latency cache is keyed on the kernel measurements.
      const planned = (await plan({ modelId: resnet, network: REFERENCE_TIERS('cpu1-x2', 0.5) }).expect(201)).body;
      const listed = (planned.tiers as Tier[]).flatMap((x) => x.kernels).find((k) => k.kernel === target.kernel)!;
      expect(listed.source).toBe('measured');
    });

    it('plans never split a kernel, whatever the bandwidth, and move only tensors at kernel boundaries', async () => {
      const kernels = (await predict({ modelId: resnet, platform: 'ref-cpu1' }).expect(200)).body.kernels as Kernel[];
      const kernelOf = new Map(kernels.flatMap((k, i) => k.nodes.map((n) => [n, i] as const)));
      const layers = (await api(t).get(`/v1/models/${resnet}/layers`).set(bearer(key)).expect(200)).body.items as {
        name: string;
        inputs: string[];
        outputs: { name: string }[];
      }[];
      const producerOf = new Map(layers.flatMap((l) => l.outputs.map((o) => [o.name, l.name] as const)));
      const readers = new Map<string, string[]>();
      for (const l of layers) for (const i of l.inputs) readers.set(i, [...(readers.get(i) ?? []), l.name]);
      let splitPlans = 0;
      const firstConv = layers.find((l) => kernelOf.has(l.name))!.name;
      // The last case forces a cut: a very slow end device that must run the first kernel (a privacy pin).
      const cases: [string, number, string[]?][] = [
        ['ref-cpu1', 0.3],
        ['ref-cpu1', 10],
        ['ref-cpu1', 400],
        ['cpu1-x50', 1000, [firstConv]],
      ];
      for (const [end, up, pinToEnd] of cases) {
        const request = { modelId: resnet, network: REFERENCE_TIERS(end, up), pinToEnd };
        const res = (await plan(request).expect(201)).body;
        const tiers = res.tiers as Tier[];
        expect(tiers.map((x) => x.graphOptimization)).toEqual(['all', 'all', null]);
        const tierOf = new Map(tiers.flatMap((x, i) => x.nodes.map((n) => [n, i] as const)));
        const placements = (assign: Map<string, number | string>) => {
          for (const k of kernels) expect(new Set(k.nodes.map((n) => assign.get(n))).size).toBe(1);
          if (new Set(assign.values()).size > 1) splitPlans++;
        };
        placements(tierOf);
        for (const region of res.bandwidthRegions) placements(new Map(Object.entries(region.tierOfNode)));
        for (const transfer of res.transfers) {
          for (const tensor of transfer.tensors as string[]) {
            const producer = producerOf.get(tensor);
            if (producer === undefined) continue; // the model input
            const outside = (readers.get(tensor) ?? []).some((r) => kernelOf.get(r) !== kernelOf.get(producer));
            expect(outside).toBe(true);
          }
        }
        for (const tier of tiers) {
          const sum = tier.kernels.reduce((s, k) => s + k.latencyUs, 0);
          expect(tier.computeMs).toBeCloseTo(sum / 1000, 6);
        }
        expect(res.predictionSources.fused).toBeGreaterThan(0);
      }
      expect(splitPlans).toBeGreaterThan(0); // plans that do cut the model, and never through a kernel
    });

    it('plans answer per node with disabled, and the two modes are cached apart', async () => {
      const network = REFERENCE_TIERS('ref-cpu1', 5);
      const all = (await plan({ modelId: resnet, network }).expect(201)).body;
      const disabled = (await plan({ modelId: resnet, network, graphOptimization: 'disabled' }).expect(201)).body;
      for (const tier of (disabled.tiers as Tier[]).slice(0, 2)) {
        expect(tier.graphOptimization).toBe('disabled');
        expect(tier.kernels.every((k) => k.nodes.length === 1)).toBe(true);
      }
      expect(disabled.predictionSources.fused).toBe(0);
      expect(disabled.baselines['end-only']).toBeGreaterThan(all.baselines['end-only']);
      const again = (await plan({ modelId: resnet, network, graphOptimization: 'all' }).expect(201)).body;
      expect(again.totalMs).toBe(all.totalMs);
      expect(again.tiers).toEqual(all.tiers);
    });
  });
});
