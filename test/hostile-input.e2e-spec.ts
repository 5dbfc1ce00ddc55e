import { measuredMnistOnThreeTiers, THREE_TIERS } from './support/factories';
import { api, bearer, createTenantKey, startTestApp, TestApp } from './support/test-app';

/** Issue 12, Fix 4: what the probe sent that got a 500 or was accepted, each now a 4xx naming the problem. */
describe('hostile JSON and races (e2e)', () => {
  let t: TestApp;
  let key: string;
  let modelId: string;

  beforeAll(async () => {
    t = await startTestApp();
    key = (await createTenantKey(t, 'hostile')).key;
    modelId = await measuredMnistOnThreeTiers(t, key);
  });
  afterAll(() => t.close());

  const post = (path: string, body: string | object) =>
    api(t)
      .post(path)
      .set(bearer(key))
      .set('Content-Type', 'application/json')
      .send(typeof body === 'string' ? body : JSON.stringify(body));
  const rows = async (table: string): Promise<number> =>
    (await t.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

  it.each([
    ['NUL in a stored string', '/v1/platforms', '{"slug":"nul","name":"a\\u0000b","kind":"cpu"}', /NUL/],
    ['NUL in a key', '/v1/networks', '{"name":"n","tiers":[],"links":[],"a\\u0000":1}', /NUL/],
    ['a lone surrogate', '/v1/platforms', '{"slug":"sur","name":"x\\ud800y","kind":"cpu"}', /surrogate/],
    ['nesting 5,000 deep', '/v1/plans', '{"modelId":' + '{"a":'.repeat(5000) + '1' + '}'.repeat(5000) + '}', /nested/],
    ['a __proto__ key', '/v1/platforms', '{"slug":"p","name":"p","kind":"cpu","__proto__":{"x":1}}', /reserved/],
  ])('%s → 400', async (_what, path, text, message) => {
    const res = await post(path, text);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
  });

  it.each([
    ['network: null', { network: null }, /network must be an object/],
    ['network: []', { network: [] }, /network must be an object/],
    ['inputBytes: null', { network: THREE_TIERS, inputBytes: null }, /inputBytes/],
    ['inputBytes: 1e308', { network: THREE_TIERS, inputBytes: 1e308 }, /inputBytes must not be greater/],
    ['bandwidth: []', { network: THREE_TIERS, bandwidth: [] }, /bandwidth must be an object/],
    ['bandwidth.link: 3e9', { network: THREE_TIERS, bandwidth: { link: 3e9 } }, /link must not be greater/],
  ])('a plan with %s → 400', async (_what, body, message) => {
    const before = await rows('plans');
    const res = await post('/v1/plans', { modelId, ...body });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
    expect(await rows('plans')).toBe(before);
  });

  it('refuses integers beyond their column, offsets beyond any table, and NUL in the URL', async () => {
    const node = { node: 'Convolution28', medianUs: 5, runs: 3e9 };
    const runs = await post('/v1/platforms/phone/measurements', { modelId, nodes: [node] });
    expect(runs.status).toBe(400);
    expect(runs.body.message).toMatch(/runs must not be greater than 2147483647/);
    const offset = await api(t).get('/v1/models?offset=1e20').set(bearer(key));
    expect(offset.status).toBe(400);
    expect(offset.body.message).toMatch(/offset/);
    expect((await api(t).get('/v1/platforms/a%00b').set(bearer(key))).status).toBe(400);
    const nulName = await api(t)
      .post('/v1/models')
      .set(bearer(key))
      .field('name', 'a\u0000b')
      .attach('file', Buffer.from('x'), 'm.onnx');
    expect(nulName.status).toBe(400);
    expect(nulName.body.message).toMatch(/NUL/);
  });

  it('keeps scale and calibration within the same bounds, and refuses the reserved slug host', async () => {
    const base = { name: 'x', derivedFrom: 'phone' };
    const tiny = await post('/v1/platforms', { ...base, slug: 'tiny', scale: 1e-320 });
    expect(tiny.status).toBe(400);
    expect(tiny.body.message).toMatch(/scale must not be less than 0.000001/);
    const huge = await post('/v1/platforms', { ...base, slug: 'huge', calibration: [{ modelId, totalMs: 1e308 }] });
    expect(huge.status).toBe(400);
    // Within the per-point bound, but a scale no device has: the fitted scale is checked like a given one.
    const fitted = await post('/v1/platforms', {
      ...base,
      slug: 'fit',
      calibration: [{ modelId, totalMs: 86_400_000 }],
    });
    expect(fitted.status).toBe(400);
    expect(fitted.body.message).toMatch(/calibration fits scale .* outside \[0.000001, 1000000\]/);
    const host = await post('/v1/platforms', { slug: 'host', name: 'x', kind: 'cpu' });
    expect(host.status).toBe(400);
    expect(host.body.message).toMatch(/host/);
    expect((await api(t).get('/v1/platforms/fit').set(bearer(key))).status).toBe(404);
  });

  it('20 concurrent creates of one derived slug: one 201, the rest 409, never a 500', async () => {
    const body = { slug: 'racer', name: 'racer', derivedFrom: 'phone', scale: 3 };
    const statuses = (await Promise.all(Array.from({ length: 20 }, () => post('/v1/platforms', body)))).map(
      (r) => r.status,
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
  });

  it('plans racing a DELETE of their model: each a 201 or a 4xx, never a 500, and no plan outlives it', async () => {
    const other = await createTenantKey(t, 'hostile-race');
    const raced = await measuredMnistOnThreeTiers(t, other.key);
    const plan = () => api(t).post('/v1/plans').set(bearer(other.key)).send({ modelId: raced, network: THREE_TIERS });
    const results = await Promise.all([
      ...Array.from({ length: 8 }, plan),
      api(t).delete(`/v1/models/${raced}`).set(bearer(other.key)),
      ...Array.from({ length: 8 }, plan),
    ]);
    const statuses = results.map((r) => r.status);
    expect(statuses[8]).toBe(204);
    // 404: the model or the plan's row went first (the FK race, mapped by SQLSTATE); 409: the model was still
    // there but its measurements were already gone, so its platform had nothing to predict from.
    for (const s of [...statuses.slice(0, 8), ...statuses.slice(9)]) expect([201, 404, 409]).toContain(s);
    expect((await plan()).status).toBe(404);
    const left = await t.dataSource.query('SELECT count(*)::int AS n FROM plans WHERE model_id = $1', [raced]);
    expect(left[0].n).toBe(0);
  });
});
