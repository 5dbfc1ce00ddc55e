import { statSync } from 'node:fs';
import { PgThrottlerStorage } from '../src/limits/pg-throttler.storage';
import { fixturePath } from './support/fixtures';
import { uploadModel } from './support/factories';
import { api, bearer, createTenantKey, startTestApp, TestApp } from './support/test-app';

const MNIST_BYTES = statSync(fixturePath('third_party', 'mnist.onnx')).size;

describe('rate limit per API key (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_REQUESTS: 5, RATE_LIMIT_WINDOW_SECONDS: 2 });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After once a key spends its budget, other keys and /health unaffected', async () => {
    const a = await createTenantKey(t, 'rl-a');
    const b = await createTenantKey(t, 'rl-b');
    const remaining: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await api(t).get('/v1/models').set(bearer(a.key)).expect(200);
      remaining.push(Number(res.headers['x-ratelimit-remaining']));
    }
    expect(remaining).toEqual([4, 3, 2, 1, 0]);
    const limited = await api(t).get('/v1/plans').set(bearer(a.key)).expect(429);
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    expect(limited.body.message).toMatch(/RATE_LIMIT_REQUESTS/);
    await api(t).get('/v1/models').set(bearer(b.key)).expect(200);
    for (let i = 0; i < 8; i++) await api(t).get('/health').expect(200);
  });

  it('lets the key in again once the block runs out', async () => {
    const a = await createTenantKey(t, 'rl-expiry');
    for (let i = 0; i < 5; i++) await api(t).get('/v1/models').set(bearer(a.key)).expect(200);
    const limited = await api(t).get('/v1/models').set(bearer(a.key)).expect(429);
    await new Promise((r) => setTimeout(r, Number(limited.headers['retry-after']) * 1000 + 300));
    const res = await api(t).get('/v1/models').set(bearer(a.key)).expect(200);
    expect(res.headers['x-ratelimit-remaining']).toBe('4');
  });

  it('counts concurrent hits exactly once each and deletes expired windows', async () => {
    const storage = t.app.get(PgThrottlerStorage);
    const key = `concurrency-${process.pid}-${Date.now()}`;
    const records = await Promise.all(Array.from({ length: 40 }, () => storage.increment(key, 1000, 30, 1000, 'spec')));
    expect(records.map((r) => r.totalHits).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 40 }, (_, i) => Math.min(i + 1, 31)),
    );
    expect(records.filter((r) => r.isBlocked)).toHaveLength(10);
    await new Promise((r) => setTimeout(r, 1200));
    expect(await storage.deleteExpired()).toBeGreaterThanOrEqual(1);
    const [{ left }] = await t.dataSource.query(
      'SELECT count(*)::int AS left FROM rate_limit_counters WHERE key = $1',
      [`spec:${key}`],
    );
    expect(left).toBe(0);
  });

  it('shares one budget between two API instances on one PostgreSQL database', async () => {
    if (!process.env.DATABASE_URL) {
      // The embedded database lives inside one process: a second instance cannot share it. CI's PostgreSQL pass
      // runs this; here the atomic upsert is covered by the concurrency test above.
      expect(t.config.DATABASE_URL).toBeUndefined();
      return;
    }
    const second = await startTestApp({ RATE_LIMIT_REQUESTS: 5, RATE_LIMIT_WINDOW_SECONDS: 2 });
    try {
      const a = await createTenantKey(t, 'rl-shared');
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const app = i % 2 === 0 ? t : second;
        statuses.push((await api(app).get('/v1/models').set(bearer(a.key))).status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    } finally {
      await second.close();
    }
  });
});

describe('per-tenant quotas (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ QUOTA_MODELS: 2, QUOTA_QUEUED_JOBS: 1, WORKERS: 0 });
  });
  afterAll(() => t.close());

  it('refuses a model past QUOTA_MODELS with a 429 naming it, and takes one again after a delete', async () => {
    const { key } = await createTenantKey(t, 'quota-models');
    const first = await uploadModel(t, key, 'third_party', 'mnist.onnx');
    await uploadModel(t, key, 'third_party', 'mnist.onnx');
    const refused = await api(t)
      .post('/v1/models')
      .set(bearer(key))
      .attach('file', fixturePath('third_party', 'mnist.onnx'))
      .expect(429);
    expect(refused.body).toMatchObject({ code: 'MODELS_QUOTA', details: { quota: 'QUOTA_MODELS', limit: 2, used: 2 } });
    expect(refused.body.message).toMatch(/QUOTA_MODELS/);
    // Another tenant has its own quota.
    await uploadModel(t, (await createTenantKey(t, 'quota-other')).key, 'third_party', 'mnist.onnx');
    await api(t).delete(`/v1/models/${first}`).set(bearer(key)).expect(204);
    await uploadModel(t, key, 'third_party', 'mnist.onnx');
  });

  it('never lets concurrent uploads of one tenant pass the quota together', async () => {
    const { key } = await createTenantKey(t, 'quota-race');
    const statuses = await Promise.all(
      Array.from(
        { length: 6 },
        async () =>
          (await api(t).post('/v1/models').set(bearer(key)).attach('file', fixturePath('third_party', 'mnist.onnx')))
            .status,
      ),
    );
    expect(statuses.sort()).toEqual([201, 201, 429, 429, 429, 429]);
    expect((await api(t).get('/v1/models').set(bearer(key)).expect(200)).body.total).toBe(2);
  });

  it('refuses a job past QUOTA_QUEUED_JOBS with a 429 naming it, writing no job row', async () => {
    const { key } = await createTenantKey(t, 'quota-jobs');
    const modelId = await uploadModel(t, key, 'third_party', 'mnist.onnx');
    await api(t).post('/v1/platforms').set(bearer(key)).send({ slug: 'box', name: 'Box', kind: 'cpu' }).expect(201);
    await api(t).post('/v1/platforms/box/profile').set(bearer(key)).send({ modelId, runs: 1 }).expect(202);
    const refused = await api(t)
      .post('/v1/platforms/box/profile')
      .set(bearer(key))
      .send({ modelId, runs: 1 })
      .expect(429);
    expect(refused.body).toMatchObject({
      code: 'QUEUED_JOBS_QUOTA',
      details: { quota: 'QUOTA_QUEUED_JOBS', limit: 1 },
    });
    expect((await api(t).get('/v1/jobs').set(bearer(key)).expect(200)).body.total).toBe(1);
  });
});

describe('stored-bytes quota (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ QUOTA_STORED_BYTES: Math.floor(MNIST_BYTES * 1.5) });
  });
  afterAll(() => t.close());

  it('refuses a file that would take the tenant past QUOTA_STORED_BYTES with a 413 naming it', async () => {
    const { key } = await createTenantKey(t, 'quota-bytes');
    await uploadModel(t, key, 'third_party', 'mnist.onnx');
    const refused = await api(t)
      .post('/v1/models')
      .set(bearer(key))
      .attach('file', fixturePath('third_party', 'mnist.onnx'))
      .expect(413);
    expect(refused.body).toMatchObject({
      code: 'STORED_BYTES_QUOTA',
      details: { quota: 'QUOTA_STORED_BYTES', used: MNIST_BYTES, requested: MNIST_BYTES },
    });
    expect((await api(t).get('/v1/models').set(bearer(key)).expect(200)).body.total).toBe(1);
  });
});
