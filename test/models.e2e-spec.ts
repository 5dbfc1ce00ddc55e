import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { decodeWhole } from './support/decode-whole';
import { onnxFiles, fixturePath } from './support/fixtures';
import { api, bearer, createTenantKey, startTestApp, TestApp } from './support/test-app';

interface Layer {
  index: number;
  name: string;
  opType: string;
  outputs: { name: string; shape: (number | string | null)[] | null; bytes: number | null }[];
  macs: number;
}

describe('models (e2e)', () => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    t = await startTestApp();
    key = (await createTenantKey(t, 'models')).key;
  });
  afterAll(() => t.close());

  const upload = (file: string | Buffer, filename = 'model.onnx', as = key) =>
    api(t)
      .post('/v1/models')
      .set(bearer(as))
      .attach('file', typeof file === 'string' ? readFileSync(file) : file, filename);

  describe.each(onnxFiles('graphs', 'third_party', 'models'))('%s', (path) => {
    it('uploads with the right node count and every recorded shape', async () => {
      const bytes = readFileSync(path);
      const oracle = decodeWhole(bytes);
      const res = await upload(bytes, basename(path)).expect(201);
      expect(res.body).toMatchObject({
        name: basename(path, '.onnx'),
        nodeCount: oracle.nodes.length,
        fileBytes: bytes.byteLength,
        unsupportedOps: [],
      });
      const symbolicInput = oracle.inputs.some((i) => i.shape?.some((d) => typeof d !== 'number'));
      if (!symbolicInput) expect(res.body).toMatchObject({ unresolvedTensors: 0 });
      if (!symbolicInput) expect(res.body.totalMacs).toBeGreaterThan(0);
      const layers: Layer[] = (await api(t).get(`/v1/models/${res.body.id}/layers`).set(bearer(key)).expect(200)).body
        .items;
      expect(layers.map((l) => l.index)).toEqual(oracle.nodes.map((_, i) => i));
      const recorded = new Map(oracle.valueInfo.concat(oracle.outputs).map((v) => [v.name, v.shape]));
      const mismatches = layers.flatMap((l) =>
        l.outputs
          .filter((o) => recorded.get(o.name) && JSON.stringify(recorded.get(o.name)) !== JSON.stringify(o.shape))
          .filter((o) => !recorded.get(o.name)!.some((d) => typeof d === 'string'))
          .map((o) => `${l.name}:${o.name} ${JSON.stringify(o.shape)} != ${JSON.stringify(recorded.get(o.name))}`),
      );
      expect(mismatches).toEqual([]);
    });
  });

  it('describes a model: chain or DAG, weights or not, inputs and outputs with shapes', async () => {
    const vgg = (await upload(fixturePath('graphs', 'vgg16.onnx'), 'vgg16.onnx').expect(201)).body;
    expect(vgg).toMatchObject({ isChain: true, weightsIncluded: false, params: 138357544, opset: 17 });
    expect(vgg.inputs).toEqual([{ name: 'input', elemType: 1, shape: [1, 3, 224, 224] }]);
    expect(vgg.outputs[0].shape).toEqual([1, 1000]);
    const resnet = (await upload(fixturePath('graphs', 'resnet18.onnx'), 'r.onnx').expect(201)).body;
    expect(resnet.isChain).toBe(false);
    const squeeze = (await upload(fixturePath('models', 'squeezenet1_1.onnx')).field('name', 'sq').expect(201)).body;
    expect(squeeze).toMatchObject({ name: 'sq', weightsIncluded: true, isChain: false });
  });

  it('binds symbolic input dims given as inputShapes', async () => {
    const path = fixturePath('third_party', 'ch_ppocr_mobile_v2.0_cls_infer.onnx');
    const symbolic = (await upload(path).expect(201)).body;
    expect(symbolic.unresolvedTensors).toBeGreaterThan(0);
    const bound = (
      await upload(path)
        .field('inputShapes', JSON.stringify({ x: [1, 3, 48, 192] }))
        .expect(201)
    ).body;
    expect(bound).toMatchObject({ unresolvedTensors: 0, inputs: [{ name: 'x', shape: [1, 3, 48, 192] }] });
    expect(bound.totalMacs).toBeGreaterThan(symbolic.totalMacs);

    const bad = [
      [{ y: [1, 3, 48, 192] }, /not a model input/],
      [{ x: [1, 3, 48] }, /rank 3/],
      [{ x: [1, 4, 48, 192] }, /fixes that dimension to 3/],
      [{ x: [1, 3, -48, 192] }, /positive integers/],
    ] as const;
    for (const [shapes, message] of bad) {
      const res = await upload(path).field('inputShapes', JSON.stringify(shapes)).expect(400);
      expect(res.body.message).toMatch(message);
    }
    expect((await upload(path).field('inputShapes', '{x:').expect(400)).body.message).toMatch(/JSON/);
  });

  it('lists with limit and offset, gets, deletes, and hides models from other tenants', async () => {
    const own = await createTenantKey(t, 'lister');
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      const res = await upload(fixturePath('graphs', 'alexnet.onnx'), `${name}.onnx`, own.key).expect(201);
      ids.push(res.body.id);
    }
    const page = await api(t).get('/v1/models?limit=2&offset=1').set(bearer(own.key)).expect(200);
    expect(page.body.total).toBe(3);
    expect(page.body.items.map((m: { id: string }) => m.id)).toEqual(ids.slice(1));
    await api(t).get('/v1/models?limit=1001').set(bearer(own.key)).expect(400);
    await api(t).get('/v1/models?offset=-1').set(bearer(own.key)).expect(400);

    const other = await createTenantKey(t, 'intruder');
    expect((await api(t).get(`/v1/models/${ids[0]}`).set(bearer(other.key)).expect(404)).body.code).toBe(
      'MODEL_NOT_FOUND',
    );
    await api(t).get(`/v1/models/${ids[0]}/layers`).set(bearer(other.key)).expect(404);
    await api(t).delete(`/v1/models/${ids[0]}`).set(bearer(other.key)).expect(404);
    expect((await api(t).get('/v1/models').set(bearer(other.key)).expect(200)).body.total).toBe(0);

    await api(t).get(`/v1/models/${ids[0]}`).set(bearer(own.key)).expect(200);
    await api(t).delete(`/v1/models/${ids[0]}`).set(bearer(own.key)).expect(204);
    await api(t).get(`/v1/models/${ids[0]}`).set(bearer(own.key)).expect(404);
    const orphans = await t.dataSource.query('SELECT count(*)::int AS n FROM model_nodes WHERE model_id = $1', [
      ids[0],
    ]);
    expect(orphans[0].n).toBe(0);
    await api(t).get('/v1/models/not-a-uuid').set(bearer(own.key)).expect(400);
  });
});
