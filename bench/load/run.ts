/**
 * API load (issue 12, "Measure"): autocannon on loopback against the built server (`dist/`, run `npm run build`
 * first) as child processes, bounded: BENCH_SECONDS (default 60) at BENCH_CONNECTIONS (default 50) on
 * `POST /v1/plans` and on `GET /health`.
 *  - embedded: one API on the embedded database;
 *  - postgres: two API instances on one PostgreSQL database (BENCH_DATABASE_URL, a database this bench may fill;
 *    skipped, and said so, when unset), the connections split evenly between them.
 * The plan workload is mnist measured from its ONNX Runtime trace on an end platform with edge and cloud derived
 * from it (no reference seeding, no predictor inference): what is timed is the API's own path. The rate limit is
 * turned off for the bench. Prints a markdown table.
 *
 *   BENCH_DATABASE_URL=postgresql://… node bench/run-ts.js bench/load/run.ts
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { generateApiKey } from '../../src/auth/api-key.codec';
import { freePort } from '../../test/support/child-service';
import { fixturePath } from '../../test/support/fixtures';

const ROOT = join(__dirname, '..', '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const NETWORK = {
  tiers: [
    { name: 'end', platform: 'phone' },
    { name: 'edge', platform: 'edge-box' },
    { name: 'cloud', platform: 'cloud-gpu' },
  ],
  links: [
    { uplinkMbps: 2, downlinkMbps: 10, rttMs: 20 },
    { uplinkMbps: 100, downlinkMbps: 100, rttMs: 40 },
  ],
};

interface Instance {
  url: string;
  child: ChildProcess;
}

async function startApi(env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', RATE_LIMIT_REQUESTS: '0', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 180_000; Date.now() < deadline;) {
    if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode}`);
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { url, child };
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('API did not answer /health in 180 s');
}

async function stop(instance: Instance): Promise<void> {
  const exited = new Promise((r) => instance.child.once('exit', r));
  instance.child.kill('SIGTERM');
  await exited;
}

async function call(url: string, key: string, path: string, init: RequestInit = {}): Promise<Record<string, string>> {
  const res = await fetch(`${url}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${key}`, ...(init.headers ?? {}) },
  });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, string>;
}

/** A tenant with mnist measured on `phone` and edge/cloud derived from it; the plan request body. */
async function setUp(url: string, adminKey: string): Promise<{ key: string; body: string }> {
  const json = { 'Content-Type': 'application/json' };
  const { key } = await call(url, adminKey, '/v1/api-keys', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ tenant: `load-${process.pid}-${Date.now()}` }),
  });
  const model = new FormData();
  model.append('file', new Blob([readFileSync(fixturePath('third_party', 'mnist.onnx'))]), 'mnist.onnx');
  const { id: modelId } = await call(url, key, '/v1/models', { method: 'POST', body: model });
  await call(url, key, '/v1/platforms', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ slug: 'phone', name: 'Phone', kind: 'cpu' }),
  });
  const trace = new FormData();
  trace.append('modelId', modelId);
  trace.append('trace', new Blob([readFileSync(fixturePath('traces', 'mnist-ort-trace.json'))]), 'trace.json');
  await call(url, key, '/v1/platforms/phone/measurements', { method: 'POST', body: trace });
  for (const [slug, scale] of [
    ['edge-box', 1 / 8],
    ['cloud-gpu', 1 / 40],
  ] as const) {
    await call(url, key, '/v1/platforms', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ slug, name: slug, derivedFrom: 'phone', scale }),
    });
  }
  return { key, body: JSON.stringify({ modelId, network: NETWORK }) };
}

interface Row {
  setup: string;
  route: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** Runs one autocannon per instance at once (connections split evenly); sums throughput, keeps the worst p99. */
async function load(urls: string[], route: string, opts: { method?: 'POST'; body?: string; key?: string }) {
  const results = await Promise.all(
    urls.map((url) =>
      autocannon({
        url: `${url}${route}`,
        method: opts.method ?? 'GET',
        body: opts.body,
        headers: {
          ...(opts.key ? { authorization: `Bearer ${opts.key}` } : {}),
          ...(opts.body ? { 'content-type': 'application/json' } : {}),
        },
        connections: Math.max(1, Math.round(CONNECTIONS / urls.length)),
        duration: SECONDS,
      }),
    ),
  );
  return {
    reqPerSec: results.reduce((s, r) => s + r.requests.average, 0),
    p50: Math.max(...results.map((r) => r.latency.p50)),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    errors: results.reduce((s, r) => s + r.errors + r.timeouts, 0),
    non2xx: results.reduce((s, r) => s + r.non2xx, 0),
  };
}

async function measure(setup: string, instances: Instance[], adminKey: string, rows: Row[]): Promise<void> {
  const { key, body } = await setUp(instances[0].url, adminKey);
  const urls = instances.map((i) => i.url);
  // One plan per instance first: fills the per-process caches, as a warm service has them.
  for (const url of urls)
    await call(url, key, '/v1/plans', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  rows.push({ setup, route: 'POST /v1/plans', ...(await load(urls, '/v1/plans', { method: 'POST', body, key })) });
  rows.push({ setup, route: 'GET /health', ...(await load(urls, '/health', {})) });
}

async function main(): Promise<void> {
  const adminKey = generateApiKey();
  const rows: Row[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'tiersplit-load-'));
  const base = { TIERSPLIT_ADMIN_KEY: adminKey, SEED_REFERENCE: 'false', DATA_DIR: dataDir };
  try {
    const embedded = await startApi({ ...base, DATABASE_URL: '' });
    try {
      await measure('embedded, 1 API', [embedded], adminKey, rows);
    } finally {
      await stop(embedded);
    }
    const pgUrl = process.env.BENCH_DATABASE_URL;
    if (pgUrl) {
      const first = await startApi({ ...base, DATABASE_URL: pgUrl });
      const second = await startApi({ ...base, DATABASE_URL: pgUrl });
      try {
        await measure('PostgreSQL, 2 APIs', [first, second], adminKey, rows);
      } finally {
        await Promise.all([stop(first), stop(second)]);
      }
    } else {
      console.log('PostgreSQL: SKIPPED (set BENCH_DATABASE_URL to a database this bench may fill)');
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`\n${SECONDS} s per row at ${CONNECTIONS} connections, loopback\n`);
  console.log('| setup | route | req/s | p50 ms | p99 ms | errors | non-2xx |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(
      `| ${r.setup} | ${r.route} | ${r.reqPerSec.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.non2xx} |`,
    );
  }
  const ratio = (setup: string) => {
    const plans = rows.find((r) => r.setup === setup && r.route.startsWith('POST'));
    const health = rows.find((r) => r.setup === setup && r.route.startsWith('GET'));
    return plans && health ? `${((100 * plans.reqPerSec) / health.reqPerSec).toFixed(1)}%` : 'n/a';
  };
  for (const setup of new Set(rows.map((r) => r.setup)))
    console.log(`\nplans / health throughput, ${setup}: ${ratio(setup)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
