/**
 * Many instances on one database, as the README's scaling section describes them: two API processes and a worker
 * (the built `dist/`) booted at the same moment on one fresh PostgreSQL database all come up, the reference rows
 * exist once, the admin key is stored once, and a predictor retrained through one API (run by the worker) is used
 * by the next plan on the other.
 * - DATABASE_URL set: exactly that, on a throwaway database of the server.
 * - Embedded database: it belongs to one process, so a second one on the same DATA_DIR is refused with a clear
 *   message while the first keeps serving, and the retrain is checked within that one process (whose plan cache
 *   kept the superseded predictor's latencies before).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { MIGRATIONS } from '../migrations';
import { generateApiKey, lookupOf } from '../src/auth/api-key.codec';
import { REFERENCE_PLATFORMS, referenceGraphs } from '../src/platforms/reference/reference-data';
import { DistProcess, spawnDist, untilAnswers } from './support/dist-process';
import { fixturePath } from './support/fixtures';
import { createThrowawayDatabase, ThrowawayDatabase } from './support/throwaway-database';

interface Layer {
  name: string;
  macs: number;
  isConstant: boolean;
  outputs: { bytes: number | null }[];
}

const serverUrl = process.env.DATABASE_URL;
const AUTH_CACHE_SECONDS = 3;

describe(`many instances on one database (${serverUrl ? 'PostgreSQL' : 'embedded'})`, () => {
  const adminKey = generateApiKey();
  const dirs: string[] = [];
  const processes: DistProcess[] = [];
  let database: ThrowawayDatabase | undefined;
  let apis: [DistProcess, DistProcess];

  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'tiersplit-instances-'));
    dirs.push(dir);
    return dir;
  };
  const spawn = async (entry: 'main' | 'worker', env: Record<string, string>) => {
    const p = await spawnDist(entry, {
      TIERSPLIT_ADMIN_KEY: adminKey,
      JOB_LEASE_SECONDS: '120',
      AUTH_CACHE_SECONDS: String(AUTH_CACHE_SECONDS),
      ...env,
    });
    processes.push(p);
    return p;
  };

  afterAll(async () => {
    for (const p of processes) await p.stop('SIGKILL');
    await database?.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  if (serverUrl) {
    it('two APIs and a worker booted at once all come up, with each reference row and the admin key once', async () => {
      database = await createThrowawayDatabase(serverUrl, 'tiersplit_instances');
      const shared = { DATABASE_URL: database.url, SEED_REFERENCE: 'true' };
      const [a, b] = await Promise.all([
        spawn('main', { ...shared, DATA_DIR: dataDir(), WORKERS: '0' }),
        spawn('main', { ...shared, DATA_DIR: dataDir(), WORKERS: '0' }),
        spawn('worker', { ...shared, DATA_DIR: dataDir(), WORKERS: '1' }),
      ]);
      await Promise.all([untilAnswers(a), untilAnswers(b)]);
      apis = [a, b];
      for (const p of processes) expect(p.child.exitCode).toBeNull();

      const db = new Client({ connectionString: database.url });
      await db.connect();
      try {
        const one = async (sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows[0];
        expect(await one('SELECT count(*)::int AS n FROM migrations')).toEqual({ n: MIGRATIONS.length });
        const models = await one(
          'SELECT count(*)::int AS n, count(DISTINCT name)::int AS names FROM models WHERE tenant_id IS NULL',
        );
        expect(models).toEqual({ n: referenceGraphs().length, names: referenceGraphs().length });
        const platforms = await one('SELECT count(*)::int AS n FROM platforms WHERE tenant_id IS NULL');
        expect(platforms).toEqual({ n: REFERENCE_PLATFORMS.length });
        // Every reference platform got its measurements, on the one copy of each graph.
        const measured = await db.query(
          `SELECT p.slug, count(*)::int AS n FROM measurements x JOIN platforms p ON p.id = x.platform_id
           WHERE p.tenant_id IS NULL GROUP BY p.slug ORDER BY p.slug`,
        );
        expect(measured.rows.map((r) => r.slug)).toEqual(REFERENCE_PLATFORMS.map((p) => p.slug).sort());
        expect(measured.rows.every((r) => r.n > 1000)).toBe(true);
        const admins = await one(
          'SELECT count(*)::int AS n, count(*) FILTER (WHERE lookup = $1)::int AS ours FROM api_keys WHERE is_admin AND revoked_at IS NULL',
          [lookupOf(adminKey)],
        );
        expect(admins).toEqual({ n: 1, ours: 1 });
      } finally {
        await db.end();
      }
      for (const api of apis) {
        const listed = await request(api.url).get('/v1/platforms').set('Authorization', `Bearer ${adminKey}`);
        expect(listed.status).toBe(200);
      }
    }, 600_000);
  } else {
    it('refuses a second process on the same embedded DATA_DIR with a clear message; the first keeps serving', async () => {
      const dir = dataDir();
      const first = await spawn('main', { DATA_DIR: dir, SEED_REFERENCE: 'false', WORKERS: '1' });
      await untilAnswers(first);
      const second = await spawn('main', { DATA_DIR: dir, SEED_REFERENCE: 'false', WORKERS: '1' });
      expect(await second.exited).toBe(1);
      expect(second.output()).toMatch(/in use by process \d+.*DATABASE_URL/s);
      const ready = await fetch(`${first.url}/ready`);
      expect(ready.status).toBe(200);
      apis = [first, first];
    }, 300_000);
  }

  it('a predictor retrained through one API is used by the next plan on the other', async () => {
    const [a, b] = apis;
    const admin = { Authorization: `Bearer ${adminKey}` };
    const created = await request(a.url)
      .post('/v1/api-keys')
      .set(admin)
      .send({ tenant: `instances-${process.pid}` });
    expect(created.status).toBe(201);
    const auth = { Authorization: `Bearer ${created.body.key as string}` };
    const upload = async (name: string) => {
      const res = await request(a.url)
        .post('/v1/models')
        .set(auth)
        .attach('file', readFileSync(fixturePath('graphs', `${name}.onnx`)), `${name}.onnx`);
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const trainedOn = ['squeezenet1_1', 'resnet18', 'mobilenet_v2'];
    const ids = Object.fromEntries(await Promise.all([...trainedOn, 'alexnet'].map(async (n) => [n, await upload(n)])));
    await request(a.url).post('/v1/platforms').set(auth).send({ slug: 'dev', name: 'Dev', kind: 'cpu' }).expect(201);

    const measure = async (factor: number) => {
      for (const name of trainedOn) {
        const layers: Layer[] = (await request(a.url).get(`/v1/models/${ids[name]}/layers`).set(auth)).body.items;
        const nodes = layers
          .filter((l) => !l.isConstant)
          .map((l) => ({ node: l.name, medianUs: factor * (3 + l.macs / 2e4 + (l.outputs[0]?.bytes ?? 0) / 5e3) }));
        await request(a.url)
          .post('/v1/platforms/dev/measurements')
          .set(auth)
          .send({ modelId: ids[name], nodes })
          .expect(201);
      }
    };
    const train = async () => {
      const accepted = await request(a.url).post('/v1/platforms/dev/predictors').set(auth).expect(202);
      const deadline = Date.now() + 300_000;
      for (;;) {
        const job = (await request(a.url).get(`/v1/jobs/${accepted.body.jobId}`).set(auth).expect(200)).body;
        if (job.state === 'succeeded') return job.result.predictorId as string;
        if (job.state === 'failed' || Date.now() > deadline) {
          throw new Error(`training: ${JSON.stringify(job)}\n${processes.map((p) => p.output()).join('\n')}`);
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    const plan = async () => {
      const res = await request(b.url)
        .post('/v1/plans')
        .set(auth)
        .send({ modelId: ids.alexnet, network: { tiers: [{ name: 'end', platform: 'dev' }], links: [] } });
      expect(res.status).toBe(201);
      expect(res.body.predictionSources).toMatchObject({ measured: 0 });
      return res.body.totalMs as number;
    };

    await measure(1);
    const first = await train();
    const before = await plan();
    expect(await plan()).toBe(before);
    // The same device measured again, three times slower: the next predictor predicts about three times longer.
    await measure(3);
    const second = await train();
    expect(second).not.toBe(first);
    const after = await plan();
    expect(after / before).toBeGreaterThan(2);
    expect(after / before).toBeLessThan(4.5);
  }, 900_000);

  it('a key revoked through one API stops working on the other within AUTH_CACHE_SECONDS', async () => {
    const [a, b] = apis;
    const admin = { Authorization: `Bearer ${adminKey}` };
    const created = await request(a.url)
      .post('/v1/api-keys')
      .set(admin)
      .send({ tenant: `revoked-${process.pid}` });
    const auth = { Authorization: `Bearer ${created.body.key as string}` };
    await request(b.url).get('/v1/models').set(auth).expect(200); // now in b's cache
    await request(a.url)
      .delete(`/v1/api-keys/${created.body.id as string}`)
      .set(admin)
      .expect(204);
    const revokedAt = Date.now();
    await request(a.url).get('/v1/models').set(auth).expect(401);
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < 30_000) {
      status = (await request(b.url).get('/v1/models').set(auth)).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(401);
    expect(Date.now() - revokedAt).toBeLessThan(AUTH_CACHE_SECONDS * 1000 + 2_000);
  }, 60_000);
});
