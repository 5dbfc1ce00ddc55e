/**
 * Tenant isolation over every route of openapi/openapi.json: a route added to the API is covered here without
 * anyone remembering to, and a route this spec cannot call (a path parameter or body it does not know) fails it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_ONLY_EXTENSION } from '../src/auth/principal';
import { measuredMnistOnThreeTiers, THREE_TIERS } from './support/factories';
import { api, bearer, createTenantKey, startTestApp, TestApp } from './support/test-app';

type Method = 'get' | 'post' | 'delete' | 'put' | 'patch';
interface Operation {
  method: Method;
  path: string;
  adminOnly: boolean;
  secured: boolean;
}
interface OpenApiDoc {
  paths: Record<string, Partial<Record<Method, { security?: unknown[]; [ext: string]: unknown }>>>;
}

const DOC = JSON.parse(readFileSync(join(__dirname, '..', 'openapi', 'openapi.json'), 'utf8')) as OpenApiDoc;

function operationsOf(doc: OpenApiDoc): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method as Method,
      path,
      adminOnly: op?.[ADMIN_ONLY_EXTENSION] === true,
      secured: Array.isArray(op?.security) && op.security.length > 0,
    })),
  );
}

const OPERATIONS = operationsOf(DOC);
const nameOf = (op: Operation) => `${op.method.toUpperCase()} ${op.path}`;

/** What tenant A made, by the resource a path parameter names (the path segment before it). */
interface TenantObjects {
  modelId: string;
  slug: string;
  networkId: string;
  planId: string;
  jobId: string;
  keyId: string;
  /** A tier of tenant A's plan (its partitions are named by tier). */
  tier: string;
}
const ID_OF: Record<string, keyof TenantObjects> = {
  models: 'modelId',
  platforms: 'slug',
  networks: 'networkId',
  plans: 'planId',
  jobs: 'jobId',
  'api-keys': 'keyId',
  partitions: 'tier',
};

function fillPath(path: string, a: TenantObjects): string {
  return path.replace(/\/([^/]+)\/\{(\w+)\}/g, (_, resource: string, param: string) => {
    const field = ID_OF[resource];
    if (!field) throw new Error(`${path}: no tenant-A object for {${param}} after /${resource}/: add it to ID_OF`);
    return `/${resource}/${a[field]}`;
  });
}

/**
 * Bodies for routes whose body (rather than path) may name tenant A's objects. Every POST without a path parameter
 * needs an entry: `null` says the route names nothing of another tenant (it only creates the caller's own).
 */
const BODIES: Record<string, ((a: TenantObjects) => object | null) | null> = {
  'POST /v1/models': null,
  'POST /v1/api-keys': () => ({ tenant: 'isolation-intruder' }),
  'POST /v1/platforms': (a) => ({ slug: 'intruder-derived', name: 'x', derivedFrom: a.slug, scale: 2 }),
  'POST /v1/networks': (a) => ({ tiers: [{ name: 'end', platform: a.slug }], links: [] }),
  'POST /v1/predictions': (a) => ({ modelId: a.modelId, platform: a.slug }),
  'POST /v1/plans': (a) => ({ modelId: a.modelId, networkId: a.networkId }),
  'POST /v1/platforms/{slug}/profile': (a) => ({ modelId: a.modelId, runs: 1 }),
  'POST /v1/platforms/{slug}/measurements': (a) => ({ modelId: a.modelId, nodes: [{ node: 'x', medianUs: 1 }] }),
  'POST /v1/platforms/{slug}/predictors': () => ({}),
};

function call(t: TestApp, op: Operation, a: TenantObjects) {
  const url = fillPath(op.path, a);
  const req = api(t)[op.method](url);
  const body = BODIES[nameOf(op)];
  return body ? req.send(body(a) ?? {}) : req;
}

describe('tenant isolation over every route of the OpenAPI document (e2e)', () => {
  let t: TestApp;
  let a: TenantObjects;
  let aKey: string;
  let bKey: string;
  let revokedKey: string;
  beforeAll(async () => {
    // WORKERS=0: tenant A's job stays queued, so it exists for the whole spec.
    t = await startTestApp({ WORKERS: 0 });
    const tenantA = await createTenantKey(t, 'iso-a');
    aKey = tenantA.key;
    bKey = (await createTenantKey(t, 'iso-b')).key;
    const modelId = await measuredMnistOnThreeTiers(t, aKey);
    const networkId = (await api(t).post('/v1/networks').set(bearer(aKey)).send(THREE_TIERS).expect(201)).body.id;
    const planId = (await api(t).post('/v1/plans').set(bearer(aKey)).send({ modelId, networkId }).expect(201)).body.id;
    const jobId = (
      await api(t).post('/v1/platforms/phone/profile').set(bearer(aKey)).send({ modelId, runs: 1 }).expect(202)
    ).body.jobId;
    a = { modelId, slug: 'phone', networkId, planId, jobId, keyId: tenantA.id, tier: 'end' };
    const revoked = await createTenantKey(t, 'iso-revoked');
    await api(t).get('/v1/models').set(bearer(revoked.key)).expect(200);
    await api(t).delete(`/v1/api-keys/${revoked.id}`).set(bearer(t.adminKey)).expect(204);
    revokedKey = revoked.key;
  });
  afterAll(() => t.close());

  it('reads the same routes as the running app serves (the committed document is current)', async () => {
    const live = operationsOf((await api(t).get('/docs-json').expect(200)).body as OpenApiDoc);
    expect(OPERATIONS.map(nameOf).sort()).toEqual(live.map(nameOf).sort());
    expect(OPERATIONS.filter((op) => op.path.startsWith('/v1/')).length).toBeGreaterThanOrEqual(25);
    // Every /v1 route needs a key; only operator endpoints go without one.
    for (const op of OPERATIONS) {
      if (op.path.startsWith('/v1/'))
        expect({ route: nameOf(op), secured: op.secured }).toEqual({ route: nameOf(op), secured: true });
      else
        expect({ route: nameOf(op), public: ['/health', '/ready', '/metrics'].includes(op.path) }).toEqual({
          route: nameOf(op),
          public: true,
        });
    }
  });

  it("gives tenant B a 404 on every route that names tenant A's objects, and lists none of them", async () => {
    const secrets = [a.modelId, a.networkId, a.planId, a.jobId, a.keyId, `"${a.slug}"`, '"edge-box"', '"cloud-gpu"'];
    const checked: string[] = [];
    for (const op of OPERATIONS.filter((o) => o.secured && !o.adminOnly)) {
      const name = nameOf(op);
      const namesA = op.path.includes('{');
      if (!namesA && op.method !== 'get') {
        if (!(name in BODIES)) throw new Error(`${name}: add its body (or null) to BODIES in this spec`);
        if (BODIES[name] === null) continue;
      }
      const res = await call(t, op, a).set(bearer(bKey));
      if (namesA || op.method !== 'get') {
        expect({ route: name, status: res.status }).toEqual({ route: name, status: 404 });
      } else {
        expect({ route: name, status: res.status }).toEqual({ route: name, status: 200 });
        const text = res.text ?? '';
        for (const secret of secrets)
          expect({ route: name, leaks: text.includes(secret) && secret }).toEqual({ route: name, leaks: false });
      }
      checked.push(name);
    }
    expect(checked.length).toBeGreaterThanOrEqual(20);
    // Tenant B's DELETEs above touched nothing of A's.
    await api(t).get(`/v1/models/${a.modelId}`).set(bearer(aKey)).expect(200);
    await api(t).get(`/v1/plans/${a.planId}`).set(bearer(aKey)).expect(200);
  });

  it('answers 401 on every /v1 route to a missing, malformed, unknown or revoked key', async () => {
    const variants: Record<string, string | undefined> = {
      missing: undefined,
      'not bearer': 'Basic dXNlcjpwYXNz',
      'empty bearer': 'Bearer ',
      'two tokens': 'Bearer a b',
      unknown: 'Bearer tsk_this-key-was-never-issued-0000000000',
      revoked: `Bearer ${revokedKey}`,
    };
    for (const op of OPERATIONS.filter((o) => o.path.startsWith('/v1/'))) {
      for (const [variant, header] of Object.entries(variants)) {
        const req = call(t, op, a);
        const res = await (header === undefined ? req : req.set('Authorization', header));
        expect({ route: nameOf(op), variant, status: res.status }).toEqual({ route: nameOf(op), variant, status: 401 });
      }
    }
  });

  it('answers 403 to a tenant key on every admin route', async () => {
    const admin = OPERATIONS.filter((o) => o.adminOnly);
    expect(admin.length).toBeGreaterThanOrEqual(2);
    for (const op of admin) {
      const res = await call(t, op, a).set(bearer(bKey));
      expect({ route: nameOf(op), status: res.status }).toEqual({ route: nameOf(op), status: 403 });
    }
    // The admin key itself still works on them: the 403 is about the caller, not a broken route.
    await api(t).post('/v1/api-keys').set(bearer(t.adminKey)).send({ tenant: 'iso-admin-check' }).expect(201);
  });
});
