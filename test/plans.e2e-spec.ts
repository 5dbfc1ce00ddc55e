import { measuredMnistOnThreeTiers, THREE_TIERS } from './support/factories';
import { api, bearer, createTenantKey, startTestApp, TestApp } from './support/test-app';

interface Layer {
  name: string;
  outputs: { name: string; shape: number[] }[];
}

describe('plans (e2e)', () => {
  let t: TestApp;
  let key: string;
  let mnistId: string;
  let layers: Layer[];
  const network = THREE_TIERS;

  beforeAll(async () => {
    t = await startTestApp();
    key = (await createTenantKey(t, 'plans')).key;
    mnistId = await measuredMnistOnThreeTiers(t, key);
    layers = (await api(t).get(`/v1/models/${mnistId}/layers`).set(bearer(key)).expect(200)).body.items;
  });
  afterAll(() => t.close());

  const plan = (body: object, as = key) =>
    api(t)
      .post('/v1/plans')
      .set(bearer(as))
      .send({ modelId: mnistId, ...body });

  it('answers a plan whose total is the cost model applied, from outside, to the latencies predictions give', async () => {
    const res = await plan({ network, transferDtype: 'float32' }).expect(201);
    const p = res.body;
    const listed = p.tiers.flatMap((tier: { nodes: string[] }) => tier.nodes).sort();
    expect(listed).toEqual(layers.map((l) => l.name).sort());

    for (const tier of p.tiers as { platform: string; nodes: string[]; computeMs: number }[]) {
      const predicted = (
        await api(t).post('/v1/predictions').set(bearer(key)).send({ modelId: mnistId, platform: tier.platform })
      ).body.nodes as { name: string; latencyUs: number }[];
      const expected = tier.nodes.reduce((s, n) => s + predicted.find((x) => x.name === n)!.latencyUs, 0) / 1000;
      expect(tier.computeMs).toBeCloseTo(expected, 9);
    }
    const elements = new Map(
      layers.flatMap((l) => l.outputs.map((o) => [o.name, o.shape.reduce((a, b) => a * b, 1)] as const)),
    );
    elements.set('Input3', 28 * 28);
    for (const tr of p.transfers as { link: string; bytes: number; ms: number; tensors: string[] }[]) {
      const k = tr.link === 'end-edge' ? 0 : 1;
      expect(tr.bytes).toBe(tr.tensors.reduce((s, n) => s + elements.get(n)! * 4, 0));
      expect(tr.ms).toBeCloseTo(network.links[k].rttMs / 2 + (tr.bytes * 8) / (network.links[k].uplinkMbps * 1000), 9);
    }
    const sum =
      p.tiers.reduce((s: number, x: { computeMs: number }) => s + x.computeMs, 0) +
      p.transfers.reduce((s: number, x: { ms: number }) => s + x.ms, 0) +
      p.returnMs;
    expect(p.totalMs).toBeCloseTo(sum, 9);

    expect(Object.keys(p.baselines)).toEqual([
      'end-only',
      'edge-only',
      'cloud-only',
      'end-edge',
      'end-cloud',
      'edge-cloud',
    ]);
    for (const b of Object.values(p.baselines) as number[]) expect(p.totalMs).toBeLessThanOrEqual(b + 1e-9);
    expect(p.cuts).toBeDefined();
    expect(p.bandwidthRegions[0].fromMbps).toBeCloseTo(0.1);
    expect(p.bandwidthRegions.at(-1).toMbps).toBeCloseTo(1000);
    expect(p.predictionSources.measured + p.predictionSources.constant).toBe(layers.length);

    const stored = await api(t).get(`/v1/plans/${p.id}`).set(bearer(key)).expect(200);
    expect(stored.body).toEqual(p);
  });

  it('pins nodes to the end device, and plans from a stored network', async () => {
    const created = await api(t).post('/v1/networks').set(bearer(key)).send(network).expect(201);
    const last = layers.at(-1)!.name;
    const p = (await plan({ networkId: created.body.id, pinToEnd: [last] }).expect(201)).body;
    expect(p.tiers[0].nodes).toHaveLength(layers.length);
    expect(p.totalMs).toBeCloseTo(p.baselines['end-only'], 9);
  });

  it('changes with what crosses the links: int8 transfers and an encoded input', async () => {
    const f32 = (await plan({ network }).expect(201)).body;
    const int8 = (await plan({ network, transferDtype: 'int8', inputBytes: 300 }).expect(201)).body;
    expect(int8).toMatchObject({ transferDtype: 'int8', inputBytes: 300 });
    expect(int8.totalMs).toBeLessThanOrEqual(f32.totalMs);
  });

  it.each([
    [{ network: { ...network, links: [network.links[0]] } }, 400, /links/],
    [{ network, networkId: '00000000-0000-4000-8000-000000000000' }, 400, /exactly one/],
    [{}, 400, /exactly one/],
    [{ networkId: '00000000-0000-4000-8000-000000000000' }, 404, /network/],
    [{ network, pinToEnd: ['no-such-node'] }, 400, /no-such-node/],
    [{ network, bandwidth: { link: 3 } }, 400, /link 3/],
    [{ network, bandwidth: { fromMbps: 10, toMbps: 1 } }, 400, /fromMbps/],
    [{ network, transferDtype: 'int4' }, 400, /transferDtype/],
    [{ network, objective: 'energy' }, 400, /objective/],
    [{ network, modelId: '00000000-0000-4000-8000-000000000000' }, 404, /model/],
  ])('rejects %j', async (body, status, message) => {
    const res = await plan(body);
    expect({ status: res.status, message: res.body.message }).toEqual({
      status,
      message: expect.stringMatching(message),
    });
  });

  it('hides plans and networks from other tenants', async () => {
    const created = await api(t).post('/v1/networks').set(bearer(key)).send(network).expect(201);
    const p = (await plan({ network }).expect(201)).body;
    const other = await createTenantKey(t, 'plans-other');
    await api(t).get(`/v1/plans/${p.id}`).set(bearer(other.key)).expect(404);
    await plan({ networkId: created.body.id }, other.key).expect(404);
  });
});
