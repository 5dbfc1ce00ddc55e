import { api, bearer, createTenantKey, startTestApp, TestApp } from './support/test-app';

describe('networks (e2e)', () => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    t = await startTestApp();
    key = (await createTenantKey(t, 'networks')).key;
    for (const slug of ['phone', 'edge-box', 'cloud-gpu']) {
      await api(t).post('/v1/platforms').set(bearer(key)).send({ slug, name: slug, kind: 'cpu' }).expect(201);
    }
  });
  afterAll(() => t.close());

  const tiers = [
    { name: 'end', platform: 'phone' },
    { name: 'edge', platform: 'edge-box' },
    { name: 'cloud', platform: 'cloud-gpu' },
  ];
  const create = (body: object, as = key) => api(t).post('/v1/networks').set(bearer(as)).send(body);
  const count = async () => (await t.dataSource.query('SELECT count(*)::int AS n FROM networks'))[0].n;

  it('lists the presets with their figures', async () => {
    const res = await api(t).get('/v1/network-presets').set(bearer(key)).expect(200);
    expect(res.body).toEqual(
      expect.arrayContaining([
        { name: '3g', uplinkMbps: 1.1, downlinkMbps: 2.0, rttMs: 100 },
        { name: 'wifi', uplinkMbps: 18.88, downlinkMbps: 54, rttMs: 10 },
        { name: 'wan', uplinkMbps: 100, downlinkMbps: 100, rttMs: 40 },
      ]),
    );
  });

  it('stores a network with presets resolved to figures, and hides it from other tenants', async () => {
    const res = await create({
      tiers,
      links: [{ preset: 'wifi' }, { uplinkMbps: 1000, downlinkMbps: 1000, rttMs: 10 }],
    }).expect(201);
    expect(res.body).toMatchObject({
      name: 'end-edge-cloud',
      links: [
        { preset: 'wifi', uplinkMbps: 18.88, downlinkMbps: 54, rttMs: 10 },
        { uplinkMbps: 1000, downlinkMbps: 1000, rttMs: 10 },
      ],
    });
    await api(t).get(`/v1/networks/${res.body.id}`).set(bearer(key)).expect(200);
    expect((await api(t).get('/v1/networks').set(bearer(key)).expect(200)).body.total).toBe(1);
    const other = await createTenantKey(t, 'other-net');
    await api(t).get(`/v1/networks/${res.body.id}`).set(bearer(other.key)).expect(404);
    await create({ tiers: [{ name: 'end', platform: 'phone' }], links: [] }).expect(201);
  });

  const link = { uplinkMbps: 10, downlinkMbps: 10, rttMs: 5 };
  it.each([
    [{ tiers: [], links: [] }, 400, /tiers/],
    [{ tiers: Array.from({ length: 9 }, (_, i) => ({ name: `t${i}`, platform: 'phone' })), links: [] }, 400, /tiers/],
    [{ tiers, links: [link] }, 400, /3 tiers need 2 links, got 1/],
    [{ tiers, links: [{ ...link, uplinkMbps: 0 }, link] }, 400, /uplinkMbps/],
    [{ tiers, links: [{ ...link, downlinkMbps: -5 }, link] }, 400, /downlinkMbps/],
    [{ tiers, links: [{ ...link, uplinkMbps: 'NaN' }, link] }, 400, /uplinkMbps/],
    [{ tiers, links: [{ ...link, uplinkMbps: 'fast' }, link] }, 400, /uplinkMbps/],
    [{ tiers, links: [{ ...link, rttMs: -1 }, link] }, 400, /rttMs/],
    [{ tiers, links: [{ preset: '6g' }, link] }, 400, /preset/],
    [{ tiers, links: [{ preset: 'wifi', rttMs: 3 }, link] }, 400, /either preset or figures/],
    [{ tiers: [tiers[0], { ...tiers[1], name: 'end' }], links: [link] }, 400, /'end' is used twice/],
    [{ tiers: [tiers[0], { name: 'edge', platform: 'nope' }], links: [link] }, 404, /platform 'nope' not found/],
  ])('rejects %j', async (body, status, message) => {
    const before = await count();
    const res = await create(body);
    expect({ status: res.status, message: res.body.message }).toEqual({
      status,
      message: expect.stringMatching(message),
    });
    expect(await count()).toBe(before);
  });
});
