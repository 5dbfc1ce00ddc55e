import { readFileSync } from 'node:fs';
import { fixturePath } from './support/fixtures';
import { api, bearer, createTenantKey, startTestApp, TestApp } from './support/test-app';

describe('platforms and measurements (e2e)', () => {
  let t: TestApp;
  let key: string;
  let mnistId: string;
  const mnist = readFileSync(fixturePath('third_party', 'mnist.onnx'));
  const trace = readFileSync(fixturePath('traces', 'mnist-ort-trace.json'));

  beforeAll(async () => {
    t = await startTestApp();
    key = (await createTenantKey(t, 'platforms')).key;
    mnistId = (await api(t).post('/v1/models').set(bearer(key)).attach('file', mnist, 'mnist.onnx').expect(201)).body
      .id;
    await api(t)
      .post('/v1/platforms')
      .set(bearer(key))
      .send({ slug: 'pixel-7', name: 'Pixel 7 CPU', kind: 'cpu' })
      .expect(201);
  });
  afterAll(() => t.close());

  const measure = (body: object, slug = 'pixel-7', as = key) =>
    api(t).post(`/v1/platforms/${slug}/measurements`).set(bearer(as)).send(body);

  async function measurementCount(): Promise<number> {
    return (await t.dataSource.query('SELECT count(*)::int AS n FROM measurements'))[0].n;
  }

  it('creates, lists and gets platforms; slugs are unique per tenant and ref- is reserved', async () => {
    const got = await api(t).get('/v1/platforms/pixel-7').set(bearer(key)).expect(200);
    expect(got.body).toMatchObject({ slug: 'pixel-7', kind: 'cpu', reference: false, description: '' });
    const dup = await api(t).post('/v1/platforms').set(bearer(key)).send({ slug: 'pixel-7', name: 'x', kind: 'cpu' });
    expect(dup.status).toBe(409);
    await api(t).post('/v1/platforms').set(bearer(key)).send({ slug: 'ref-mine', name: 'x', kind: 'cpu' }).expect(400);
    await api(t).post('/v1/platforms').set(bearer(key)).send({ slug: 'ok', name: 'x', kind: 'tpu' }).expect(400);
    const list = await api(t).get('/v1/platforms').set(bearer(key)).expect(200);
    expect(list.body.items.map((p: { slug: string }) => p.slug)).toContain('pixel-7');

    const other = await createTenantKey(t, 'other');
    await api(t).get('/v1/platforms/pixel-7').set(bearer(other.key)).expect(404);
    await api(t)
      .post('/v1/platforms')
      .set(bearer(other.key))
      .send({ slug: 'pixel-7', name: 'theirs', kind: 'cpu' })
      .expect(201);
    await measure({ modelId: mnistId, nodes: [{ node: 'Convolution28', medianUs: 5 }] }, 'pixel-7', other.key).expect(
      404,
    );
  });

  it('defines derived platforms: a base and a scale, checked', async () => {
    const res = await api(t)
      .post('/v1/platforms')
      .set(bearer(key))
      .send({ slug: 'pixel-7-slow', name: 'Pixel 7 in power-saving mode', derivedFrom: 'pixel-7', scale: 2.5 })
      .expect(201);
    expect(res.body).toMatchObject({ kind: 'cpu', derivedFrom: 'pixel-7', scale: 2.5 });
    const got = await api(t).get('/v1/platforms/pixel-7-slow').set(bearer(key)).expect(200);
    expect(got.body).toMatchObject({ derivedFrom: 'pixel-7', scale: 2.5 });

    const bad = [
      [{ slug: 'd1', name: 'x', derivedFrom: 'pixel-7' }, 400, /scale/],
      [{ slug: 'd2', name: 'x', derivedFrom: 'pixel-7', scale: 0 }, 400, /scale/],
      [{ slug: 'd3', name: 'x', derivedFrom: 'pixel-7', scale: 'fast' }, 400, /scale/],
      [{ slug: 'd4', name: 'x', kind: 'cpu', scale: 2 }, 400, /derivedFrom/],
      [{ slug: 'd5', name: 'x', derivedFrom: 'no-such-base', scale: 2 }, 404, /no-such-base/],
    ] as const;
    for (const [body, status, message] of bad) {
      const r = await api(t).post('/v1/platforms').set(bearer(key)).send(body);
      expect({ status: r.status, message: r.body.message }).toEqual({
        status,
        message: expect.stringMatching(message),
      });
    }
  });

  it('takes JSON measurements, replaces a node measured again, and lists them', async () => {
    const res = await measure({
      modelId: mnistId,
      nodes: [
        { node: 'Convolution28', medianUs: 150, p10Us: 140, p90Us: 170, runs: 10 },
        { node: 'ReLU32', medianUs: 4 },
      ],
    }).expect(201);
    expect(res.body).toEqual({ written: 2 });
    await measure({ modelId: mnistId, nodes: [{ node: 'ReLU32', medianUs: 6 }] }).expect(201);
    const list = await api(t).get(`/v1/platforms/pixel-7/measurements?modelId=${mnistId}`).set(bearer(key)).expect(200);
    expect(list.body.total).toBe(2);
    expect(list.body.items.find((m: { node: string }) => m.node === 'ReLU32')).toMatchObject({
      medianUs: 6,
      source: 'upload',
    });
  });

  it('turns an ONNX Runtime trace into measurements', async () => {
    const res = await api(t)
      .post('/v1/platforms/pixel-7/measurements')
      .set(bearer(key))
      .field('modelId', mnistId)
      .attach('trace', trace, 'trace.json')
      .expect(201);
    expect(res.body).toEqual({ written: 12, runsTotal: 8, runsUsed: 7 });
    const list = await api(t).get(`/v1/platforms/pixel-7/measurements?modelId=${mnistId}`).set(bearer(key)).expect(200);
    expect(list.body.total).toBe(12);
    expect(list.body.items.every((m: { source: string; runs: number }) => m.source === 'trace' && m.runs === 7)).toBe(
      true,
    );
  });

  it.each([
    [{ modelId: 'not-a-uuid', nodes: [{ node: 'ReLU32', medianUs: 1 }] }, 400, /modelId/],
    [{ modelId: '00000000-0000-4000-8000-000000000000', nodes: [{ node: 'a', medianUs: 1 }] }, 404, /not found/],
    [{ nodes: [{ node: 'ReLU32', medianUs: 1 }] }, 400, /modelId/],
    [{ modelId: 'MNIST', nodes: [] }, 400, /nodes/],
    [{ modelId: 'MNIST', nodes: [{ node: 'ReLU32', medianUs: 0 }] }, 400, /medianUs/],
    [{ modelId: 'MNIST', nodes: [{ node: 'ReLU32', medianUs: -3 }] }, 400, /medianUs/],
    [{ modelId: 'MNIST', nodes: [{ node: 'ReLU32', medianUs: 'NaN' }] }, 400, /medianUs/],
    [
      {
        modelId: 'MNIST',
        nodes: [
          { node: 'nope', medianUs: 1 },
          { node: 'ghost', medianUs: 1 },
        ],
      },
      400,
      /'nope', 'ghost'/,
    ],
    [
      {
        modelId: 'MNIST',
        nodes: [
          { node: 'ReLU32', medianUs: 1 },
          { node: 'ReLU32', medianUs: 2 },
        ],
      },
      400,
      /twice/,
    ],
    [{ modelId: 'MNIST', nodes: [{ node: 'ReLU32', medianUs: 5, p10Us: 9 }] }, 400, /p10Us/],
  ])('rejects %j with %i and writes nothing', async (body, status, message) => {
    const before = await measurementCount();
    const resolved = JSON.parse(JSON.stringify(body).replace('"MNIST"', JSON.stringify(mnistId)));
    const res = await measure(resolved);
    expect(res.status).toBe(status);
    expect(res.body.message).toMatch(message);
    expect(await measurementCount()).toBe(before);
  });

  it('takes a large JSON measurement list, and answers 413 in the error shape beyond the body limit', async () => {
    const many = Array.from({ length: 20_000 }, () => ({ node: 'ReLU32', medianUs: 1 }));
    const dup = await measure({ modelId: mnistId, nodes: many });
    expect(dup.status).toBe(400); // parsed and validated (repeated node), not refused for size
    expect(dup.body.message).toMatch(/twice/);
    const huge = 'x'.repeat(17 * 1024 * 1024);
    const res = await measure({ modelId: mnistId, nodes: [{ node: huge, medianUs: 1 }] });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
  });

  it('rejects traces that are not ONNX Runtime profiles, and unknown platforms', async () => {
    const before = await measurementCount();
    const post = () => api(t).post('/v1/platforms/pixel-7/measurements').set(bearer(key)).field('modelId', mnistId);
    expect((await post().attach('trace', Buffer.from('{"not": "a trace"}'), 't.json')).body.message).toMatch(
      /not an ONNX Runtime profile/,
    );
    expect((await post().attach('trace', Buffer.from('[{"truncated'), 't.json')).status).toBe(400);
    await post().attach('nope', trace, 't.json').expect(400);
    await measure({ modelId: mnistId, nodes: [{ node: 'ReLU32', medianUs: 1 }] }, 'no-such-platform').expect(404);
    expect(await measurementCount()).toBe(before);
  });
});
