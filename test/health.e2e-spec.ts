/**
 * Liveness, readiness, and a database that goes away: the app reaches its database through a loopback proxy that
 * the spec cuts (every connection reset, nothing listening: a restarting server) and restores on the same port.
 * While it is cut, every request that needs the database is a 503 with Retry-After, never a 500 and never a hang;
 * `/health` (liveness) stays 200 and `/ready` is 503; once restored, the same app serves again with no restart.
 * - DATABASE_URL set: a throwaway database on that server (the server itself is shared, so it is not stopped).
 * - Embedded: PGlite served over the wire protocol in this process stands in for the server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { generateApiKey } from '../src/auth/api-key.codec';
import { api, bearer, createTenantKey, startTestApp, TestApp } from './support/test-app';
import { startTcpProxy, TcpProxy } from './support/tcp-proxy';
import { createThrowawayDatabase, ThrowawayDatabase } from './support/throwaway-database';

const serverUrl = process.env.DATABASE_URL;

describe(`health and an unreachable database (${serverUrl ? 'PostgreSQL' : 'embedded over the wire'})`, () => {
  let t: TestApp;
  let proxy: TcpProxy;
  let database: ThrowawayDatabase | undefined;
  let pglite: { db: PGlite; server: PGLiteSocketServer; dir: string } | undefined;
  let key: string;

  beforeAll(async () => {
    let backend: string;
    if (serverUrl) {
      database = await createThrowawayDatabase(serverUrl, 'tiersplit_health');
      backend = database.url;
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'tiersplit-health-'));
      const db = await PGlite.create(dir);
      const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 32 });
      await server.start();
      pglite = { db, server, dir };
      backend = `postgresql://postgres@${server.getServerConn()}/postgres`;
    }
    const target = new URL(backend);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    t = await startTestApp({ DATABASE_URL: proxy.via(backend), WORKERS: 1, AUTH_CACHE_SECONDS: 60 });
    key = (await createTenantKey(t, 'health')).key;
  });

  afterAll(async () => {
    await proxy.restore().catch(() => undefined);
    await t?.close();
    await proxy?.close();
    await database?.drop();
    if (pglite) {
      await pglite.server.stop();
      await pglite.db.close();
      rmSync(pglite.dir, { recursive: true, force: true });
    }
  });

  it('/health is liveness, /ready checks the database and the queue', async () => {
    expect((await api(t).get('/health').expect(200)).body).toMatchObject({ status: 'ok' });
    expect((await api(t).get('/ready').expect(200)).body).toEqual({
      status: 'ready',
      database: 'up',
      queue: 'up',
      draining: false,
    });
  });

  it('answers 503 with Retry-After while the database is cut, and serves again once it is back', async () => {
    await api(t)
      .post('/v1/platforms')
      .set(bearer(key))
      .send({ slug: 'before', name: 'Before', kind: 'cpu' })
      .expect(201);
    await api(t).get('/v1/networks').set(bearer(key)).expect(200);
    const stranger = generateApiKey();

    await proxy.cut();
    const started = Date.now();
    const down = [
      await api(t).get('/v1/networks').set(bearer(key)), // key cached: the service's query fails
      await api(t).get('/v1/models').set(bearer(stranger)), // unknown key: the guard's lookup fails
      await api(t).post('/v1/platforms').set(bearer(key)).send({ slug: 'outage', name: 'Outage', kind: 'cpu' }),
    ];
    for (const res of down) {
      expect({ status: res.status, body: res.body }).toMatchObject({
        status: 503,
        body: { statusCode: 503, code: 'DATABASE_UNAVAILABLE' },
      });
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
    // Fast, not hung: no connection attempt outlives the pool's connection timeout.
    expect(Date.now() - started).toBeLessThan(3 * 6_000);
    await api(t).get('/health').expect(200);
    const notReady = await api(t).get('/ready').expect(503);
    expect(notReady.body).toMatchObject({ status: 'unavailable', database: 'down' });
    expect(Number(notReady.headers['retry-after'])).toBeGreaterThan(0);

    await proxy.restore();
    const deadline = Date.now() + 20_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await api(t).get('/v1/networks').set(bearer(key))).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
    await api(t).post('/v1/platforms').set(bearer(key)).send({ slug: 'after', name: 'After', kind: 'cpu' }).expect(201);
    await api(t).get('/v1/platforms/after').set(bearer(key)).expect(200);
    await api(t).get('/v1/platforms/before').set(bearer(key)).expect(200);
    await api(t).get('/ready').expect(200);
  }, 120_000);
});
