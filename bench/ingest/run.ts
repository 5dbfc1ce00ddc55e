/**
 * Ingest bench: uploads a 550 MB VGG16 (random weights) to the server and compares its time and peak RSS growth
 * with onnxruntime-node's InferenceSession.create on the same file. Targets: RSS growth <= 64 MiB, ingest time
 * <= 1/3 of session creation.
 *
 *   node bench/run-ts.js bench/ingest/run.ts [--runs=3] [--keep]
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LineChild } from './child';
import { makeWeightedModel, weightedModelSize } from './make-weighted-model';
import { max, median, peakDuring, vm } from './proc';
import { callJson, type RunningServer, startServer, uploadModel } from './server';

const ROOT = resolve(__dirname, '..', '..');
const GRAPHS = resolve(ROOT, 'data', 'reference', 'graphs');
const MIB = 1024 * 1024;
const UPLOAD_MS = 300_000;
const ORT_MS = 300_000;
const TARGET_RSS_MIB = 64;
const TARGET_RATIO = 1 / 3;

interface Sample {
  seconds: number;
  growth: number;
  /** The upload's 201 body, to show what the server made of the file. */
  body?: unknown;
}

const args = process.argv.slice(2);
const runs = Number(/^--runs=(\d+)$/.exec(args.find((a) => a.startsWith('--runs=')) ?? '')?.[1] ?? 3);
const keep = args.includes('--keep');

/** Builds the weighted copy of a graph-only file in os.tmpdir(), unless one of the right size is already there. */
function weighted(name: string, created: string[]): string {
  const source = join(GRAPHS, `${name}.onnx`);
  const target = join(tmpdir(), `tiersplit-bench-${name}-weighted.onnx`);
  if (existsSync(target) && statSync(target).size === weightedModelSize(source)) return target;
  makeWeightedModel(source, target);
  created.push(target);
  return target;
}

function expectStatus(what: string, response: { status: number; body: unknown }, status: number): void {
  if (response.status !== status) {
    throw new Error(`${what}: HTTP ${response.status} (expected ${status}): ${JSON.stringify(response.body)}`);
  }
}

/** Uploads `file` `count` times; RSS growth is against `baseline` (the server's RSS after warm-up). */
async function measureUploads(
  server: RunningServer,
  key: string,
  file: string,
  baseline: number,
  count = runs,
): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let i = 0; i < count; i++) {
    const { result, peak } = await peakDuring(server.child.pid, () =>
      uploadModel(server.url, key, file, 'vgg16', UPLOAD_MS),
    );
    expectStatus('upload', result, 201);
    samples.push({ seconds: result.seconds, growth: peak - baseline, body: result.body });
    const { id } = result.body as { id: string };
    expectStatus('delete', await callJson(server.url, 'DELETE', `/v1/models/${id}`, key), 204);
  }
  return samples;
}

async function benchServer(
  weightedFile: string,
  dataDir: string,
): Promise<{ weightedRuns: Sample[]; graphRuns: Sample[] }> {
  if (!existsSync(join(ROOT, 'dist', 'src', 'main.js'))) {
    process.stdout.write('building the server (npm run build)...\n');
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit', timeout: 300_000 });
  }
  const adminKey = randomBytes(16).toString('hex');
  const server = await startServer(dataDir, adminKey);
  try {
    const created = await callJson(server.url, 'POST', '/v1/api-keys', adminKey, { tenant: 'bench' });
    expectStatus('create api key', created, 201);
    const { key } = created.body as { key: string };
    const graphOnly = join(GRAPHS, 'vgg16.onnx');
    // Warm-up, not measured: the first uploads load code paths and database pages, and the first large one makes
    // V8 collect the ~350 MB of start-up garbage (PGlite boot). A baseline taken before that is inflated, and the
    // "growth" of every later upload comes out negative.
    await measureUploads(server, key, graphOnly, 0, 1);
    await measureUploads(server, key, weightedFile, 0, 1);
    const baseline = vm(server.child.pid, 'VmRSS');
    process.stdout.write(`server RSS after warm-up (baseline): ${(baseline / MIB).toFixed(0)} MiB\n`);
    const graphRuns = await measureUploads(server, key, graphOnly, baseline);
    const weightedRuns = await measureUploads(server, key, weightedFile, baseline);
    return { weightedRuns, graphRuns };
  } finally {
    await server.child.stop();
  }
}

/** One fresh child per run, so every session creation starts from the same clean process. */
async function benchOrt(file: string, warmupFile: string): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    const child = new LineChild(
      process.execPath,
      [join(ROOT, 'bench', 'run-ts.js'), join(__dirname, 'ort-create.ts'), file, warmupFile],
      { cwd: ROOT },
    );
    try {
      await child.waitFor(/^ready$/, ORT_MS, 'onnxruntime-node child start');
      const before = vm(child.pid, 'VmRSS');
      const { result, peak } = await peakDuring(child.pid, () => {
        child.send('go');
        return child.waitFor(/^done (\S+)$/, ORT_MS, 'InferenceSession.create');
      });
      samples.push({ seconds: Number(result[1]), growth: peak - before });
    } finally {
      await child.stop();
    }
  }
  return samples;
}

function row(what: string, samples: Sample[]): string {
  const seconds = samples.map((s) => s.seconds);
  const growth = samples.map((s) => s.growth / MIB);
  const f = (n: number, digits: number): string => n.toFixed(digits);
  return `| ${what} | ${f(median(seconds), 3)} | ${f(max(seconds), 3)} | ${f(median(growth), 1)} | ${f(max(growth), 1)} |`;
}

async function main(): Promise<void> {
  const created: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'tiersplit-bench-db-'));
  try {
    const file = weighted('vgg16', created);
    const warmup = weighted('squeezenet1_1', created);
    const size = statSync(file).size;
    const { weightedRuns, graphRuns } = await benchServer(file, dataDir);
    const ortRuns = await benchOrt(file, warmup);

    const ingest = median(weightedRuns.map((s) => s.seconds));
    const create = median(ortRuns.map((s) => s.seconds));
    const worstGrowth = max(weightedRuns.map((s) => s.growth)) / MIB;
    const mark = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');
    const seen = weightedRuns[0].body as Record<string, unknown>;
    const summary = ['nodeCount', 'params', 'totalMacs', 'weightsIncluded'].map((k) => `${k}=${String(seen[k])}`);
    const lines = [
      `VGG16 with random weights: ${(size / 1e6).toFixed(1)} MB (${size} bytes), ${runs} runs each, RSS in MiB`,
      '',
      '| what | time (s) median | time max | RSS growth MiB median | max |',
      '| --- | ---: | ---: | ---: | ---: |',
      row(`POST /v1/models, VGG16 weighted (${(size / 1e6).toFixed(0)} MB)`, weightedRuns),
      row('POST /v1/models, VGG16 graph-only (13 kB)', graphRuns),
      row('ort.InferenceSession.create, same weighted file', ortRuns),
      '',
      `- upload throughput: ${(size / 1e6 / ingest).toFixed(0)} MB/s (median)`,
      `- ingest time / session-create time: ${(ingest / create).toFixed(3)} (target <= ${TARGET_RATIO.toFixed(2)}) ${mark(ingest / create <= TARGET_RATIO)}`,
      `- ingest RSS growth, worst run: ${worstGrowth.toFixed(1)} MiB (target <= ${TARGET_RSS_MIB} MiB) ${mark(worstGrowth <= TARGET_RSS_MIB)}`,
      `- the server read the weighted file as: ${summary.join(', ')}`,
      '- RSS growth = peak VmRSS (10 ms polling and VmHWM after clear_refs) minus the server RSS after warm-up;',
      '  it can be negative when V8 collects older garbage during the upload.',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    if (!keep) for (const path of [...created, dataDir]) rmSync(path, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
