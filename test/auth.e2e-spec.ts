import { bearer, api, createTenantKey, startTestApp, TestApp } from './support/test-app';

describe('auth and API keys (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it('/health needs no key and reaches the database', async () => {
    const res = await api(t).get('/health').expect(200);
    expect(res.body.status).toBe('ok');
  });

  it('/v1 routes need a bearer key', async () => {
    const missing = await api(t).get('/v1/models').expect(401);
    expect(missing.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', code: 'MISSING_KEY' });
    const wrong = await api(t).get('/v1/models').set(bearer('tsk_not-a-real-key')).expect(401);
    expect(wrong.body.code).toBe('INVALID_KEY');
    await api(t).get('/v1/models').set({ Authorization: 'Basic abc' }).expect(401);
  });

  it('admin creates keys for tenants; the key works, is stored hashed, and revocation stops it', async () => {
    const created = await api(t).post('/v1/api-keys').set(bearer(t.adminKey)).send({ tenant: 'acme-e2e' }).expect(201);
    expect(created.body).toMatchObject({ tenant: 'acme-e2e' });
    expect(created.body.key).toMatch(/^tsk_/);
    await api(t).get('/v1/models').set(bearer(created.body.key)).expect(200);

    const stored = await t.dataSource.query('SELECT hash, lookup FROM api_keys WHERE id = $1', [created.body.id]);
    expect(JSON.stringify(stored)).not.toContain(created.body.key);

    // A second key for the same tenant shares the tenant.
    const second = await api(t).post('/v1/api-keys').set(bearer(t.adminKey)).send({ tenant: 'acme-e2e' }).expect(201);
    const tenants = await t.dataSource.query("SELECT count(*)::int AS n FROM tenants WHERE name = 'acme-e2e'");
    expect(tenants[0].n).toBe(1);

    await api(t).delete(`/v1/api-keys/${created.body.id}`).set(bearer(t.adminKey)).expect(204);
    await api(t).get('/v1/models').set(bearer(created.body.key)).expect(401);
    await api(t).get('/v1/models').set(bearer(second.body.key)).expect(200);
    await api(t).delete(`/v1/api-keys/${created.body.id}`).set(bearer(t.adminKey)).expect(404);
  });

  it('only the admin manages keys', async () => {
    const { key } = await createTenantKey(t);
    const res = await api(t).post('/v1/api-keys').set(bearer(key)).send({ tenant: 'other' }).expect(403);
    expect(res.body.code).toBe('ADMIN_ONLY');
  });

  it('rejects bad key requests with a message naming the problem', async () => {
    const res = await api(t).post('/v1/api-keys').set(bearer(t.adminKey)).send({ tenant: 'Bad Name!' }).expect(400);
    expect(res.body.message).toMatch(/tenant/);
    await api(t).post('/v1/api-keys').set(bearer(t.adminKey)).send({}).expect(400);
    await api(t).post('/v1/api-keys').set(bearer(t.adminKey)).send({ tenant: 'x', extra: 1 }).expect(400);
    await api(t).delete('/v1/api-keys/not-a-uuid').set(bearer(t.adminKey)).expect(400);
    await api(t)
      .post('/v1/api-keys')
      .set(bearer(t.adminKey))
      .set('Content-Type', 'application/json')
      .send('{"tenant": ')
      .expect(400);
  });

  it('answers unknown routes with the error shape and echoes the request id', async () => {
    const res = await api(t).get('/v1/nothing-here').set(bearer(t.adminKey)).set('x-request-id', 'abc-123').expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    expect(res.headers['x-request-id']).toBe('abc-123');
  });

  it('serves Swagger UI and its JSON with the bearer scheme, without a key', async () => {
    await api(t).get('/docs').redirects(1).expect(200);
    const doc = await api(t).get('/docs-json').expect(200);
    expect(doc.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/v1/models', '/v1/api-keys']));
  });
});
