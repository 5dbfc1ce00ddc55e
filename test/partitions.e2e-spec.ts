import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { seededRandom } from '../src/common/seeded-random';
import type { Manifest } from '../src/partitions/types';
import { fixturePath } from './support/fixtures';
import { compareOutputs, randomFeeds, runTiers } from './support/partitions';
import { api, bearer, createTenantKey, startTestApp, TestApp } from './support/test-app';

interface Layer {
  name: string;
  isConstant: boolean;
}

interface PlanBody {
  id: string;
  tiers: { tier: string; nodes: string[] }[];
  transfers: { link: string; bytes: number; tensors: string[] }[];
}

const MODEL = 'squeezenet1_1.onnx';
/** Collects a binary response body (supertest only buffers text and JSON by itself). */
const binary = (res: NodeJS.ReadableStream, done: (e: Error | null, body: Buffer) => void): void => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

describe('plans as runnable pieces (e2e)', () => {
  let t: TestApp;
  let key: string;
  let otherKey: string;
  let modelId: string;
  let layers: Layer[];
  const dir = mkdtempSync(join(tmpdir(), 'tiersplit-partitions-e2e-'));

  const network = (edge = 'edge-box') => ({
    tiers: [
      { name: 'end', platform: 'phone' },
      { name: 'edge', platform: edge },
      { name: 'cloud', platform: 'cloud-gpu' },
    ],
    links: [
      { uplinkMbps: 2, downlinkMbps: 10, rttMs: 20 },
      { uplinkMbps: 100, downlinkMbps: 100, rttMs: 40 },
    ],
  });

  const makePlan = async (body: object): Promise<PlanBody> =>
    (
      await api(t)
        .post('/v1/plans')
        .set(bearer(key))
        .send({ modelId, network: network(), pinToEnd: [layers[0].name], ...body })
        .expect(201)
    ).body;

  const manifestOf = async (planId: string): Promise<Manifest & { file: { name: string; bytes: number } }> =>
    (await api(t).get(`/v1/plans/${planId}/partitions`).set(bearer(key)).expect(200)).body;

  const subModel = async (planId: string, tier: string): Promise<Buffer> =>
    (
      await api(t)
        .get(`/v1/plans/${planId}/partitions/${tier}.onnx`)
        .set(bearer(key))
        .buffer(true)
        .parse(binary as never) // superagent types the parser's response as its own Response; it is the stream
        .expect(200)
        .expect('Content-Type', /octet-stream/)
    ).body;

  beforeAll(async () => {
    t = await startTestApp();
    key = (await createTenantKey(t, 'partitions')).key;
    otherKey = (await createTenantKey(t, 'partitions-other')).key;
    const bytes = readFileSync(fixturePath('models', MODEL));
    modelId = (await api(t).post('/v1/models').set(bearer(key)).attach('file', bytes, MODEL).expect(201)).body.id;
    layers = (await api(t).get(`/v1/models/${modelId}/layers`).set(bearer(key)).expect(200)).body.items;
    await api(t).post('/v1/platforms').set(bearer(key)).send({ slug: 'phone', name: 'Phone', kind: 'cpu' }).expect(201);
    // A slow phone: running everything there costs seconds, so the plan ships the first activations out.
    const nodes = layers.filter((l) => !l.isConstant).map((l) => ({ node: l.name, medianUs: 100_000 }));
    await api(t).post('/v1/platforms/phone/measurements').set(bearer(key)).send({ modelId, nodes }).expect(201);
    for (const [slug, scale] of [
      ['edge-box', 1 / 8],
      ['cloud-gpu', 1 / 40],
      ['slow-edge', 1000],
    ] as const) {
      await api(t)
        .post('/v1/platforms')
        .set(bearer(key))
        .send({ slug, name: slug, derivedFrom: 'phone', scale })
        .expect(201);
    }
  }, 180_000);
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores where every weight lies in the uploaded file, its name and its fingerprint', async () => {
    const model = (await api(t).get(`/v1/models/${modelId}`).set(bearer(key)).expect(200)).body;
    expect(model.fileName).toBe(MODEL);
    expect(model.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    const rows: { name: string; data: { kind: string; offset: number; length: number } }[] = await t.dataSource.query(
      'SELECT name, data FROM model_initializers WHERE model_id = $1',
      [modelId],
    );
    const file = readFileSync(fixturePath('models', MODEL));
    const { onnx } = await import('onnx-proto');
    const whole = onnx.ModelProto.decode(file).graph!.initializer!;
    expect(rows).toHaveLength(whole.length);
    for (const init of whole) {
      const row = rows.find((r) => r.name === init.name)!;
      expect(row.data.kind).toBe('file');
      const stored = file.subarray(row.data.offset, row.data.offset + row.data.length);
      expect(Buffer.compare(stored, Buffer.from(init.rawData!))).toBe(0);
    }
  });

  it('gives a manifest whose bytes are the plan transfers, and sub-models that compute the whole model', async () => {
    const plan = await makePlan({ transferDtype: 'float32' });
    const manifest = await manifestOf(plan.id);
    expect(manifest.file).toMatchObject({ name: MODEL, bytes: readFileSync(fixturePath('models', MODEL)).length });
    expect(manifest.tiers.map((x) => x.nodes)).toEqual(plan.tiers.map((x) => x.nodes));
    expect(plan.transfers.length).toBeGreaterThan(0);
    expect(manifest.links.map((l) => l.link)).toEqual(plan.transfers.map((x) => x.link));
    for (const transfer of plan.transfers) {
      const link = manifest.links.find((l) => l.link === transfer.link)!;
      expect(link.bytes).toBe(transfer.bytes);
      expect([...link.tensors].sort()).toEqual([...transfer.tensors].sort());
      // What each receiving tier says it gets over this link adds up to the same bytes.
      const received = manifest.tiers
        .flatMap((x) => x.inputs)
        .filter((i) => i.links.includes(transfer.link))
        .reduce((s, i) => s + i.bytes, 0);
      expect(received).toBe(transfer.bytes);
    }

    copyFileSync(fixturePath('models', MODEL), join(dir, MODEL));
    const sessions: (ort.InferenceSession | null)[] = [];
    for (const tier of manifest.tiers) {
      if (tier.nodes.length === 0) {
        sessions.push(null);
        continue;
      }
      const path = join(dir, `${tier.tier}.onnx`);
      writeFileSync(path, await subModel(plan.id, tier.tier));
      sessions.push(await ort.InferenceSession.create(path, { intraOpNumThreads: 1 }));
    }
    const whole = await ort.InferenceSession.create(fixturePath('models', MODEL), { intraOpNumThreads: 1 });
    const model = (await api(t).get(`/v1/models/${modelId}`).set(bearer(key)).expect(200)).body;
    const feeds = randomFeeds(model.inputs, seededRandom(3));
    const { maxAbsDiff, maxAbs } = compareOutputs(await whole.run(feeds), await runTiers(manifest, sessions, feeds));
    expect(maxAbs).toBeGreaterThan(0);
    expect(maxAbsDiff).toBeLessThanOrEqual(1e-5 * maxAbs);
    await Promise.all([whole, ...sessions].map((s) => s?.release()));
  });

  it('prices int8 transfers with their scale and zero point, and encodes them in the sub-models', async () => {
    const plan = await makePlan({ transferDtype: 'int8' });
    const manifest = await manifestOf(plan.id);
    const sent = manifest.tiers.flatMap((x) => x.outputs).filter((o) => o.consumers.length > 0);
    expect(sent.length).toBeGreaterThan(0);
    for (const o of sent) {
      expect(o.encoding).toBe('int8');
      expect(o.wire.map((w) => w.dtype)).toEqual(['uint8', 'float32', 'uint8']);
      expect(o.bytes).toBe((o.shape as number[]).reduce((a, b) => a * b, 1) + 5);
    }
    for (const transfer of plan.transfers) {
      expect(manifest.links.find((l) => l.link === transfer.link)!.bytes).toBe(transfer.bytes);
    }
    const first = manifest.tiers.find((x) => x.outputs.some((o) => o.consumers.length > 0))!;
    const { onnx } = await import('onnx-proto');
    const proto = onnx.ModelProto.decode(await subModel(plan.id, first.tier));
    expect(proto.graph!.node!.some((n) => n.opType === 'DynamicQuantizeLinear')).toBe(true);
  });

  it('answers 404 for an unknown plan, another tenant’s plan, an unknown tier and a tier with no nodes', async () => {
    const plan = await makePlan({ network: network('slow-edge') });
    expect(plan.tiers[1].nodes).toEqual([]);
    const missing = '00000000-0000-4000-8000-000000000000';
    await api(t).get(`/v1/plans/${missing}/partitions`).set(bearer(key)).expect(404);
    await api(t).get(`/v1/plans/${missing}/partitions/end.onnx`).set(bearer(key)).expect(404);
    await api(t).get(`/v1/plans/${plan.id}/partitions`).set(bearer(otherKey)).expect(404);
    await api(t).get(`/v1/plans/${plan.id}/partitions/end.onnx`).set(bearer(otherKey)).expect(404);
    const unknown = await api(t).get(`/v1/plans/${plan.id}/partitions/moon.onnx`).set(bearer(key)).expect(404);
    expect(unknown.body.message).toMatch(/no tier 'moon'/);
    const empty = await api(t).get(`/v1/plans/${plan.id}/partitions/edge.onnx`).set(bearer(key)).expect(404);
    expect(empty.body.message).toMatch(/tier 'edge' runs no nodes/);
    await api(t).get(`/v1/plans/not-a-uuid/partitions`).set(bearer(key)).expect(400);
    const manifest = await manifestOf(plan.id);
    expect(manifest.tiers[1]).toMatchObject({ tier: 'edge', nodes: [], subModel: null });
  });
});
