/**
 * Faults (issue 12, "Measure"), on the built service (`dist/`) as child processes, loopback only, bounded:
 * (a) the database goes away in the middle of write load and comes back: every request is a 2xx or a 503 (no 500,
 *     no hang), the app recovers without a restart, and every 2xx write is readable afterwards (0 lost rows);
 * (b) a worker is SIGKILLed in the middle of a job: the job finishes once and its writes appear once.
 * The outage is a loopback proxy cut (connections reset, nothing listening), because the machine's PostgreSQL is
 * shared; `--real-restart <version>/<cluster>` restarts it with pg_ctlcluster instead, for a quiet machine.
 *
 *   DATABASE_URL=postgresql://… npm run bench:faults [-- --concurrency 8 --down-seconds 5 --real-restart 15/main]
 * Without DATABASE_URL the database is PGlite served over the wire from the bench process.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { generateApiKey } from '../../src/auth/api-key.codec';
import { DistProcess, spawnDist, untilAnswers } from '../../test/support/dist-process';
import { fixturePath } from '../../test/support/fixtures';
import { Backend, startBackend } from './backend';

const REQUEST_TIMEOUT_MS = 15_000;
const RUNS = 150;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Outcome {
  /** When the request started; 'cut' for one started before the outage and still in flight when it began. */
  phase: 'before' | 'cut' | 'down' | 'after';
  status: number | 'timeout' | 'error';
  ms: number;
}

async function call(url: string, init: RequestInit): Promise<{ status: number | 'timeout' | 'error'; body: unknown }> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  } catch (error) {
    return { status: (error as Error).name === 'TimeoutError' ? 'timeout' : 'error', body: null };
  }
}

const quantile = (xs: number[], q: number) =>
  xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] : NaN;

async function tenantKey(api: DistProcess, adminKey: string, tenant: string): Promise<string> {
  const res = await call(`${api.url}/v1/api-keys`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ tenant }),
  });
  if (res.status !== 201) throw new Error(`key: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { key: string }).key;
}

/** (a) Writes under load while the database goes away for `downMs` and comes back. */
async function outage(backend: Backend, env: Record<string, string>, adminKey: string, realRestart: string | null) {
  // warn: the app logs why each 503 was one ("database unavailable (<driver message>)").
  const api = await spawnDist('main', {
    ...env,
    DATABASE_URL: backend.appUrl,
    WORKERS: '0',
    LOG_LEVEL: 'warn',
    NO_COLOR: '1',
  });
  try {
    await untilAnswers(api);
    const key = await tenantKey(api, adminKey, `faults-outage-${process.pid}`);
    const logged = () => api.output().length;
    const logMarks = { before: 0, down: 0, after: 0 };
    const concurrency = Number(arg('concurrency', '8'));
    const downMs = Number(arg('down-seconds', '5')) * 1000;
    const outcomes: Outcome[] = [];
    const written: string[] = [];
    let phase: Exclude<Outcome['phase'], 'cut'> = 'before';
    let stop = false;
    let restoredAt = 0;
    let firstOkAfter = NaN;
    let seq = 0;
    const loop = async () => {
      while (!stop) {
        const slug = `o-${process.pid}-${seq++}`;
        const at = phase;
        const t0 = performance.now();
        const res = await call(`${api.url}/v1/platforms`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ slug, name: slug, kind: 'cpu' }),
        });
        const t1 = performance.now();
        outcomes.push({ phase: at === 'before' && phase !== 'before' ? 'cut' : at, status: res.status, ms: t1 - t0 });
        if (typeof res.status === 'number' && res.status >= 200 && res.status < 300) {
          written.push(slug);
          if (at === 'after' && Number.isNaN(firstOkAfter)) firstOkAfter = t1 - restoredAt;
        }
        if (res.status === 503) await sleep(50);
      }
    };
    const loops = Array.from({ length: concurrency }, loop);
    logMarks.before = logged();
    await sleep(4_000);
    logMarks.down = logged();
    phase = 'down';
    if (realRestart) {
      const [version, cluster] = realRestart.split('/');
      execFileSync('pg_ctlcluster', [version, cluster, 'restart'], { stdio: 'inherit' });
    } else {
      await backend.proxy.cut();
      await sleep(downMs);
      await backend.proxy.restore();
    }
    restoredAt = performance.now();
    logMarks.after = logged();
    phase = 'after';
    await sleep(8_000);
    stop = true;
    await Promise.all(loops);

    const db = new Client({ connectionString: backend.url });
    await db.connect();
    const found = await db.query('SELECT slug FROM platforms WHERE slug = ANY($1)', [written]);
    await db.end();
    const lost = written.length - found.rowCount!;
    const out = api.output();
    const reasons = (from: number, to: number) => {
      const tally = new Map<string, number>();
      for (const m of out.slice(from, to).matchAll(/database unavailable \((.*?)\)\n/g)) {
        const reason = m[1].replace(/\d+\.\d+\.\d+\.\d+:\d+/g, '<addr>');
        tally.set(reason, (tally.get(reason) ?? 0) + 1);
      }
      return [...tally].map(([r, n]) => `${n}× ${r}`).join('; ') || '-';
    };
    const why: Record<Outcome['phase'], string> = {
      before: reasons(logMarks.before, logMarks.down),
      cut: '(in the next row)',
      down: reasons(logMarks.down, logMarks.after),
      after: reasons(logMarks.after, out.length),
    };
    return { outcomes, written: written.length, lost, firstOkAfter, why };
  } finally {
    await api.stop('SIGTERM');
  }
}

/** (b) A profiling job whose worker is SIGKILLed mid-run; a second worker finishes it after the lease. */
async function killedWorker(backend: Backend, env: Record<string, string>, adminKey: string) {
  // The retry's whole run must fit in the lease, with room for a loaded machine.
  const lease = Number(arg('lease-seconds', '60'));
  const jobEnv = { ...env, DATABASE_URL: backend.appUrl, JOB_LEASE_SECONDS: String(lease), JOB_RETRY_LIMIT: '2' };
  const api = await spawnDist('main', { ...jobEnv, WORKERS: '0' });
  const workers: DistProcess[] = [await spawnDist('worker', { ...jobEnv, WORKERS: '1' })];
  try {
    await untilAnswers(api);
    const key = await tenantKey(api, adminKey, `faults-worker-${process.pid}`);
    const auth = { Authorization: `Bearer ${key}` };
    const json = { ...auth, 'Content-Type': 'application/json' };
    await call(`${api.url}/v1/platforms`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ slug: 'fault-host', name: 'bench host', kind: 'cpu' }),
    });
    const form = new FormData();
    form.append('file', new Blob([readFileSync(fixturePath('models', 'squeezenet1_1.onnx'))]), 'squeezenet1_1.onnx');
    const model = await call(`${api.url}/v1/models`, { method: 'POST', headers: auth, body: form });
    const modelId = (model.body as { id: string }).id;
    const accepted = await call(`${api.url}/v1/platforms/fault-host/profile`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ modelId, runs: RUNS, warmup: 1, threads: 1 }),
    });
    const jobId = (accepted.body as { jobId: string }).jobId;
    type Job = { state: string; progress: number; attempts: number; result: { nodesMeasured: number } | null };
    const job = async () => (await call(`${api.url}/v1/jobs/${jobId}`, { headers: auth })).body as Job;
    const until = async (ok: (j: Job) => boolean, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const j = await job();
        if (ok(j)) return j;
        if (j.state === 'failed' || Date.now() > deadline) throw new Error(`job ${jobId}: ${JSON.stringify(j)}`);
        await sleep(100);
      }
    };
    await until((j) => j.state === 'running' && j.progress >= 0.15, 120_000);
    await workers[0].stop('SIGKILL');
    const killedAt = performance.now();
    workers.push(await spawnDist('worker', { ...jobEnv, WORKERS: '1' }));
    const done = await until((j) => j.state === 'succeeded', (lease + 120) * 1000);
    const recoveredS = (performance.now() - killedAt) / 1000;
    const db = new Client({ connectionString: backend.url });
    await db.connect();
    const rows = await db.query(
      'SELECT count(*)::int AS n, count(DISTINCT job_id)::int AS jobs, count(*) FILTER (WHERE job_id = $1)::int AS ours FROM measurements WHERE model_id = $2',
      [jobId, modelId],
    );
    const whole = await db.query('SELECT count(*)::int AS n FROM whole_model_measurements WHERE model_id = $1', [
      modelId,
    ]);
    await db.end();
    return {
      attempts: done.attempts,
      nodes: done.result!.nodesMeasured,
      rows: rows.rows[0] as { n: number; jobs: number; ours: number },
      whole: whole.rows[0].n as number,
      recoveredS,
    };
  } finally {
    await api.stop('SIGTERM');
    for (const w of workers) await w.stop('SIGTERM');
  }
}

async function main(): Promise<void> {
  const realRestart = process.argv.includes('--real-restart') ? arg('real-restart', '') : null;
  if (realRestart !== null && !/^\d+\/\w+$/.test(realRestart)) {
    throw new Error('--real-restart needs <version>/<cluster>, e.g. 15/main');
  }
  if (realRestart && !process.env.DATABASE_URL) throw new Error('--real-restart needs DATABASE_URL');
  const backend = await startBackend(process.env.DATABASE_URL);
  const dataDir = mkdtempSync(join(tmpdir(), 'tiersplit-faults-data-'));
  const adminKey = generateApiKey();
  const env = { DATA_DIR: dataDir, TIERSPLIT_ADMIN_KEY: adminKey, SEED_REFERENCE: 'false', LOG_LEVEL: 'error' };
  try {
    const a = await outage(backend, env, adminKey, realRestart);

    console.log(
      `\n### bench/faults (${backend.kind}; outage by ${realRestart ? 'pg_ctlcluster restart' : 'proxy cut'})\n`,
    );
    console.log('| phase | requests | 2xx | 503 | 500 | other | timeouts | p50 ms | max ms | why the 503s |');
    console.log('| ----- | -------: | --: | --: | --: | ----: | -------: | -----: | -----: | ------------ |');
    for (const phase of ['before', 'cut', 'down', 'after'] as const) {
      const xs = a.outcomes.filter((o) => o.phase === phase);
      const count = (p: (s: Outcome['status']) => boolean) => xs.filter((o) => p(o.status)).length;
      const ok = count((s) => typeof s === 'number' && s >= 200 && s < 300);
      const unavailable = count((s) => s === 503);
      const server = count((s) => s === 500);
      const timeouts = count((s) => s === 'timeout');
      const ms = xs.map((o) => o.ms);
      console.log(
        `| ${phase} | ${xs.length} | ${ok} | ${unavailable} | ${server} | ${xs.length - ok - unavailable - server - timeouts} | ${timeouts} | ${quantile(ms, 0.5).toFixed(1)} | ${Math.max(...ms).toFixed(0)} | ${a.why[phase]} |`,
      );
    }
    console.log(
      `\nwrites acknowledged: ${a.written}, lost: ${a.lost}; first 2xx ${a.firstOkAfter.toFixed(0)} ms after the database came back (no app restart)\n`,
    );
    const b = await killedWorker(backend, env, adminKey);
    console.log(
      '| worker SIGKILLed mid-job | attempts | nodes in result | measurement rows | rows of this job | job ids on the rows | whole-model rows | done after kill |',
    );
    console.log(
      '| ------------------------ | -------: | --------------: | ---------------: | ---------------: | ------------------: | ---------------: | --------------: |',
    );
    console.log(
      `| profile squeezenet1_1, ${RUNS} runs | ${b.attempts} | ${b.nodes} | ${b.rows.n} | ${b.rows.ours} | ${b.rows.jobs} | ${b.whole} | ${b.recoveredS.toFixed(1)} s |`,
    );
    const bad = a.outcomes.filter((o) => o.status !== 503 && !(typeof o.status === 'number' && o.status < 300));
    const failed =
      bad.length > 0 ||
      a.lost > 0 ||
      b.rows.n !== b.nodes ||
      b.rows.ours !== b.nodes ||
      b.rows.jobs !== 1 ||
      b.whole !== 1;
    console.log(
      `\n${failed ? 'FAIL' : 'PASS'}: only 2xx and 503 under the outage, 0 lost rows, the killed job written once`,
    );
    process.exitCode = failed ? 1 : 0;
  } finally {
    await backend.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
