import { measuredMnistOnThreeTiers, THREE_TIERS } from './support/factories';
import { api, bearer, createTenantKey, startTestApp, TestApp } from './support/test-app';

describe('GET /v1/plans and DELETE /v1/plans/{id} (e2e)', () => {
  let t: TestApp;
  let key: string;
  let planIds: string[];
  beforeAll(async () => {
    t = await startTestApp();
    key = (await createTenantKey(t, 'plan-list')).key;
    const modelId = await measuredMnistOnThreeTiers(t, key);
    planIds = [];
    for (const transferDtype of ['float32', 'int8', 'float16']) {
      const res = await api(t)
        .post('/v1/plans')
        .set(bearer(key))
        .send({ modelId, network: THREE_TIERS, transferDtype })
        .expect(201);
      planIds.push(res.body.id);
    }
  });
  afterAll(() => t.close());

  it('lists the tenant’s plans oldest first as summaries, paged by limit and offset', async () => {
    const all = (await api(t).get('/v1/plans').set(bearer(key)).expect(200)).body;
    expect(all.total).toBe(3);
    expect(all.items.map((p: { id: string }) => p.id)).toEqual(planIds);
    const full = (await api(t).get(`/v1/plans/${planIds[1]}`).set(bearer(key)).expect(200)).body;
    expect(all.items[1]).toEqual({
      id: full.id,
      modelId: full.modelId,
      objective: 'latency',
      totalMs: full.totalMs,
      transferDtype: 'int8',
      tiers: full.tiers.map((x: { tier: string; platform: string; computeMs: number }) => ({
        tier: x.tier,
        platform: x.platform,
        computeMs: x.computeMs,
      })),
      createdAt: full.createdAt,
    });
    const page = (await api(t).get('/v1/plans?limit=1&offset=1').set(bearer(key)).expect(200)).body;
    expect(page).toEqual({ items: [all.items[1]], total: 3 });
    expect((await api(t).get('/v1/plans?offset=5').set(bearer(key)).expect(200)).body).toEqual({ items: [], total: 3 });
  });

  it('refuses bad paging with a 400 naming the parameter', async () => {
    const res = await api(t).get('/v1/plans?limit=0').set(bearer(key)).expect(400);
    expect(res.body.message).toMatch(/limit/);
    await api(t).get('/v1/plans?limit=1001').set(bearer(key)).expect(400);
    await api(t).get('/v1/plans?offset=-1').set(bearer(key)).expect(400);
  });

  it('shows another tenant none of them and answers 404 when it deletes one', async () => {
    const other = await createTenantKey(t, 'plan-list-other');
    expect((await api(t).get('/v1/plans').set(bearer(other.key)).expect(200)).body).toEqual({ items: [], total: 0 });
    await api(t).delete(`/v1/plans/${planIds[0]}`).set(bearer(other.key)).expect(404);
    await api(t).get(`/v1/plans/${planIds[0]}`).set(bearer(key)).expect(200);
  });

  it('deletes a plan with 204, after which it is gone from GET and the list', async () => {
    await api(t).delete(`/v1/plans/${planIds[2]}`).set(bearer(key)).expect(204);
    await api(t).get(`/v1/plans/${planIds[2]}`).set(bearer(key)).expect(404);
    await api(t).delete(`/v1/plans/${planIds[2]}`).set(bearer(key)).expect(404);
    await api(t).delete('/v1/plans/not-a-uuid').set(bearer(key)).expect(400);
    await api(t).delete(`/v1/plans/${planIds[1]}`).expect(401);
    const list = (await api(t).get('/v1/plans').set(bearer(key)).expect(200)).body;
    expect(list.items.map((p: { id: string }) => p.id)).toEqual(planIds.slice(0, 2));
    expect(list.total).toBe(2);
  });
});
