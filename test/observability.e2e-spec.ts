import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_KEY_FILE } from '../src/auth/admin-key.bootstrap';
import { freePort, startChild } from './support/child-service';
import { measuredMnistOnThreeTiers, THREE_TIERS, uploadModel } from './support/factories';
import { api, bearer, createTenantKey, startTestApp, TestApp } from './support/test-app';

const ROOT = join(__dirname, '..');

/** The value of one sample line `name{labels} value`, or undefined when the series is absent. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('Prometheus /metrics (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ WORKERS: 0 });
  });
  afterAll(() => t.close());

  it('counts requests by route pattern and status, and times the solver', async () => {
    const { key } = await createTenantKey(t, 'metrics');
    const modelId = await measuredMnistOnThreeTiers(t, key);
    await api(t).post('/v1/plans').set(bearer(key)).send({ modelId, network: THREE_TIERS }).expect(201);
    await api(t).get('/v1/models').set(bearer(key)).expect(200);
    await api(t).get('/v1/models').set(bearer(key)).expect(200);
    await api(t).get('/v1/plans/00000000-0000-4000-8000-000000000001').set(bearer(key)).expect(404);
    await api(t).get('/v1/models').expect(401);
    await api(t).get('/no/such/route/3f2a').expect(404);

    const res = await api(t).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.text;
    const requests = 'tiersplit_http_requests_total';
    expect(sample(text, requests, 'method="GET",route="/v1/models",status="200"')).toBe(2);
    expect(sample(text, requests, 'method="GET",route="/v1/models",status="401"')).toBe(1);
    expect(sample(text, requests, 'method="POST",route="/v1/plans",status="201"')).toBe(1);
    expect(sample(text, requests, 'method="GET",route="/v1/plans/:id",status="404"')).toBe(1);
    expect(sample(text, requests, 'method="GET",route="unmatched",status="404"')).toBe(1);
    expect(
      sample(text, 'tiersplit_http_request_duration_seconds_count', 'method="GET",route="/v1/models",status="200"'),
    ).toBe(2);
    // Raw URLs never become labels: ids and unknown paths stay out of the series.
    expect(text).not.toMatch(/00000000-0000-4000-8000-000000000001|3f2a/);
    expect(sample(text, 'tiersplit_work_duration_seconds_count', 'work="solver"')).toBe(1);
    expect(sample(text, 'tiersplit_db_pool_connections', 'state="total"')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'tiersplit_db_pool_connections', 'state="waiting"')).toBe(0);
    expect(text).toMatch(/^tiersplit_process_resident_memory_bytes \d+/m);
  });

  it('shows jobs by kind and state from the database, whoever runs them', async () => {
    const { key } = await createTenantKey(t, 'metrics-jobs');
    const modelId = await uploadModel(t, key, 'third_party', 'mnist.onnx');
    await api(t).post('/v1/platforms').set(bearer(key)).send({ slug: 'box', name: 'Box', kind: 'cpu' }).expect(201);
    const before = (await api(t).get('/metrics').expect(200)).text;
    const kind = (
      await api(t).post('/v1/platforms/box/profile').set(bearer(key)).send({ modelId, runs: 1 }).expect(202)
    ).body.job.kind as string;
    const after = (await api(t).get('/metrics').expect(200)).text;
    const queued = (text: string) => sample(text, 'tiersplit_jobs', `kind="${kind}",state="queued"`) ?? 0;
    expect(queued(after)).toBe(queued(before) + 1);
  });
});

describe('JSON logs (e2e, a booted service)', () => {
  it('writes JSON lines that carry the request id, access lines included, and never the admin key', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tiersplit-logs-'));
    // Embedded database: a generated admin key for this child alone. stdout is a pipe, not a terminal.
    const child = await startChild(
      'api',
      {
        DATA_DIR: dataDir,
        DATABASE_URL: '',
        LOG_LEVEL: 'log',
        SEED_REFERENCE: 'false',
      },
      150_000,
    );
    try {
      const adminKey = readFileSync(join(dataDir, ADMIN_KEY_FILE), 'utf8').trim();
      expect(adminKey.length).toBeGreaterThanOrEqual(16);
      const health = await fetch(`${child.url}/health`, { headers: { 'X-Request-Id': 'obs-health-1' } });
      expect(health.status).toBe(200);
      const created = await fetch(`${child.url}/v1/api-keys`, {
        method: 'POST',
        headers: {
          'X-Request-Id': 'obs-admin-2',
          Authorization: `Bearer ${adminKey}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ tenant: 'logs' }),
      });
      expect(created.status).toBe(201);
      const tenantKey = ((await created.json()) as { key: string }).key;
      const denied = await fetch(`${child.url}/v1/models`, {
        headers: { 'X-Request-Id': 'obs-denied-3', Authorization: `Bearer ${adminKey}x` },
      });
      expect(denied.status).toBe(401);
      // The id the middleware picked for a request that sent none is the one its log line carries.
      const unnamed = await fetch(`${child.url}/health`);
      const generatedId = unnamed.headers.get('x-request-id')!;
      await new Promise((r) => setTimeout(r, 300));
      const output = child.output();
      expect(output).not.toContain(adminKey);
      expect(output).not.toContain(tenantKey);
      const lines = output
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const access = (id: string) => lines.find((l) => l.requestId === id && l.res !== undefined);
      expect(access('obs-health-1')).toMatchObject({
        req: { method: 'GET', url: '/health' },
        res: { statusCode: 200 },
      });
      expect(access('obs-admin-2')).toMatchObject({ req: { url: '/v1/api-keys' }, res: { statusCode: 201 } });
      expect(access('obs-denied-3')).toMatchObject({ res: { statusCode: 401 }, level: 40 });
      expect(access(generatedId)).toBeDefined();
      // Boot lines are JSON too.
      expect(lines.some((l) => typeof l.msg === 'string' && /listening on/.test(l.msg))).toBe(true);
      expect(lines.some((l) => typeof l.msg === 'string' && /admin key generated and saved/.test(l.msg))).toBe(true);
    } finally {
      await child.kill('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 200_000);

  it('prints a generated admin key once, on the first boot from a terminal', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tiersplit-tty-'));
    // script(1) gives the child a pseudo-terminal, as an operator's shell would.
    const bootOnce = async (): Promise<string> => {
      const port = await freePort();
      const command = `node ${join(ROOT, 'bench', 'run-ts.js')} ${join(ROOT, 'src', 'main.ts')}`;
      const proc = spawn('script', ['-qec', command, '/dev/null'], {
        cwd: ROOT,
        env: {
          ...process.env,
          NODE_OPTIONS: '',
          DATABASE_URL: '',
          DATA_DIR: dataDir,
          HOST: '127.0.0.1',
          PORT: String(port),
          LOG_LEVEL: 'log',
          SEED_REFERENCE: 'false',
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      const deadline = Date.now() + 140_000;
      while (!/listening on/.test(out)) {
        if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`no boot:\n${out}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      proc.kill('SIGTERM');
      await exited;
      return out;
    };
    try {
      const first = await bootOnce();
      const adminKey = readFileSync(join(dataDir, ADMIN_KEY_FILE), 'utf8').trim();
      expect(first.split(adminKey).length - 1).toBe(1);
      expect(first).toMatch(/Admin API key \(shown once/);
      const second = await bootOnce();
      expect(second).not.toContain(adminKey);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});
