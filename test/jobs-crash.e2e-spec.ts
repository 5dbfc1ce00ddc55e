/**
 * A worker dies mid-job (SIGKILL: no shutdown hook, no cleanup) and another takes over: the job is retried when
 * its lease expires and writes its results exactly once.
 * - Embedded database: the API process is the worker (WORKERS=1) and owns the database, so the crash kills both
 *   and the restart reopens the same DATA_DIR.
 * - PostgreSQL (DATABASE_URL): the topology, an API with WORKERS=0 and separate `npm run worker`
 *   processes; the first worker is killed, a second one finishes the job while the API stays up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { generateApiKey } from '../src/auth/api-key.codec';
import { fixturePath } from './support/fixtures';
import { ChildService, startChild } from './support/child-service';

// The lease must outlast the retry's whole run (about 3 s here) with room for a loaded CI machine.
const LEASE_SECONDS = 30;
const RUNS = 250;

interface Job {
  id: string;
  state: string;
  progress: number;
  attempts: number;
  message: string | null;
  error: string | null;
  result: { nodesMeasured: number; runs: number } | null;
}

describe('crash safety: a job survives the death of its worker (e2e)', () => {
  const adminKey = generateApiKey();
  const dataDir = mkdtempSync(join(tmpdir(), 'tiersplit-crash-'));
  const databaseUrl = process.env.DATABASE_URL;
  const env = {
    DATA_DIR: dataDir,
    TIERSPLIT_ADMIN_KEY: adminKey,
    SEED_REFERENCE: 'false',
    JOB_LEASE_SECONDS: String(LEASE_SECONDS),
    JOB_RETRY_LIMIT: '2',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
  const children: ChildService[] = [];
  const start = async (entry: 'api' | 'worker', extra: Record<string, string>) => {
    const child = await startChild(entry, { ...env, ...extra });
    children.push(child);
    return child;
  };

  afterAll(async () => {
    for (const c of children) await c.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('retries after the lease, succeeds once, and leaves one measurement per node', async () => {
    // Embedded: the API runs the job itself. PostgreSQL: an API that only enqueues, and a worker process.
    let api = await start('api', { WORKERS: databaseUrl ? '0' : '1' });
    const worker = databaseUrl ? await start('worker', { WORKERS: '1' }) : api;
    const http = () => request(api.url);

    const admin = { Authorization: `Bearer ${adminKey}` };
    const key = (
      await http()
        .post('/v1/api-keys')
        .set(admin)
        .send({ tenant: `crash-${process.pid}-${Date.now()}` })
    ).body.key as string;
    const auth = { Authorization: `Bearer ${key}` };
    await http().post('/v1/platforms').set(auth).send({ slug: 'crash-host', name: 'CI', kind: 'cpu' }).expect(201);
    const bytes = readFileSync(fixturePath('models', 'squeezenet1_1.onnx'));
    const modelId = (await http().post('/v1/models').set(auth).attach('file', bytes, 'squeezenet1_1.onnx').expect(201))
      .body.id as string;
    const accepted = await http()
      .post('/v1/platforms/crash-host/profile')
      .set(auth)
      .send({ modelId, runs: RUNS, warmup: 1, threads: 1 })
      .expect(202);
    const jobId = accepted.body.jobId as string;
    const job = async (): Promise<Job> => (await http().get(`/v1/jobs/${jobId}`).set(auth).expect(200)).body as Job;
    const until = async (what: string, ok: (j: Job) => boolean, timeoutMs: number): Promise<Job> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const j = await job();
        if (ok(j)) return j;
        if (j.state === 'failed' || Date.now() > deadline) {
          throw new Error(`waiting for ${what}: ${JSON.stringify(j)}\n${children.map((c) => c.output()).join('\n')}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    const midway = await until(
      'the first attempt to be under way',
      (j) => j.state === 'running' && j.progress >= 0.15,
      60_000,
    );
    expect(midway).toMatchObject({ attempts: 1 });
    await worker.kill('SIGKILL');

    if (databaseUrl) {
      // The API is still up and says the job is not done; a second worker picks it up once the lease expires.
      expect((await job()).state).toMatch(/running|queued/);
      await start('worker', { WORKERS: '1' });
    } else {
      api = await start('api', { WORKERS: '1' });
    }
    const done = await until('the retry to succeed', (j) => j.state === 'succeeded', (LEASE_SECONDS + 90) * 1000);
    // Retried after the kill; a third attempt only if the retry itself outran its lease on a very slow machine.
    expect(done).toMatchObject({ error: null, progress: 1 });
    expect(done.attempts).toBeGreaterThanOrEqual(2);
    expect(done.attempts).toBeLessThanOrEqual(3);
    expect(done.result).toMatchObject({ runs: RUNS });

    const rows: { jobId: string; runs: number }[] = (
      await http().get(`/v1/platforms/crash-host/measurements?modelId=${modelId}&limit=1000`).set(auth).expect(200)
    ).body.items;
    expect(rows).toHaveLength(done.result!.nodesMeasured);
    expect(rows.every((r) => r.jobId === jobId && r.runs === RUNS)).toBe(true);
  }, 240_000);
});
