#!/usr/bin/env node
// tiersplit profiling kit runner for Node.js. One dependency: `npm install onnxruntime-node`.
// Profiles every model of the kit with ONNX Runtime at graph optimisation `all` (the deployed runtime: one event
// per fused kernel) and `disabled` (one event per ONNX node), and writes one results.json to upload to
// POST /v1/platforms/{slug}/kit-results.
//
//   node profile.mjs [--out results.json] [--threads 1] [--runs 10] [--warmup 2] [--kit DIR]
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const HERE = dirname(fileURLToPath(import.meta.url));
const USAGE = 'usage: node profile.mjs [--out results.json] [--threads N] [--runs N] [--warmup N] [--kit DIR]';

function parseArgs(argv) {
  const opts = { out: 'results.json', threads: 1, runs: 10, warmup: 2, kit: HERE };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if (!['--out', '--threads', '--runs', '--warmup', '--kit'].includes(flag) || value === undefined) {
      console.error(`unknown or incomplete flag '${flag}'\n${USAGE}`);
      process.exit(2);
    }
    const key = flag.slice(2);
    if (key === 'out' || key === 'kit') opts[key] = value;
    else {
      const n = Number(value);
      if (!Number.isInteger(n) || n < (key === 'warmup' ? 0 : 1) || n > 10000) {
        console.error(`${flag} must be an integer ${key === 'warmup' ? '>= 0' : '>= 1'}, got '${value}'`);
        process.exit(2);
      }
      opts[key] = n;
    }
    i++;
  }
  return opts;
}

const quantile = (sorted, q) => {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
};
const stats = (values, scale) => {
  const s = [...values].sort((a, b) => a - b);
  return { median: quantile(s, 0.5) * scale, p10: quantile(s, 0.1) * scale, p90: quantile(s, 0.9) * scale, runs: s.length };
};

/** Per-event statistics over the timed runs only: `model_run` events delimit runs, warm-up runs come first. */
function kernelStats(trace, warmup) {
  const runs = trace.filter((e) => e.name === 'model_run').sort((a, b) => a.ts - b.ts).slice(warmup);
  const per = new Map();
  for (const e of trace) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
    if (!runs.some((r) => e.ts >= r.ts && e.ts <= r.ts + r.dur)) continue;
    const name = e.name.slice(0, -'_kernel_time'.length);
    const entry = per.get(name) ?? { op: e.args?.op_name ?? '', times: [] };
    entry.times.push(e.dur);
    per.set(name, entry);
  }
  return [...per].map(([name, { op, times }]) => {
    const s = stats(times, 1);
    return { name, op, medianUs: s.median, p10Us: s.p10, p90Us: s.p90, runs: s.runs };
  });
}

/**
 * Times the whole model in a session without the profiler (its own overhead would inflate what a deployment
 * sees), then profiles the same number of runs in a second session for the per-kernel (or per-node) events.
 */
async function measure(ort, bytes, input, level, opts) {
  const base = { graphOptimizationLevel: level, intraOpNumThreads: opts.threads, interOpNumThreads: 1, executionMode: 'sequential' };
  const runAll = async (session) => {
    const feeds = { [session.inputNames[0]]: input };
    const wall = [];
    for (let r = 0; r < opts.warmup + opts.runs; r++) {
      const t0 = performance.now();
      await session.run(feeds);
      if (r >= opts.warmup) wall.push(performance.now() - t0);
    }
    return wall;
  };
  const plain = await ort.InferenceSession.create(bytes, base);
  let wall;
  try {
    wall = await runAll(plain);
  } finally {
    await plain.release();
  }
  const dir = mkdtempSync(join(os.tmpdir(), 'tiersplit-kit-'));
  try {
    const profiled = await ort.InferenceSession.create(bytes, { ...base, enableProfiling: true, profileFilePrefix: join(dir, 'p') });
    try {
      await runAll(profiled);
    } finally {
      profiled.endProfiling();
      await profiled.release();
    }
    const traceFile = readdirSync(dir).find((f) => f.endsWith('.json'));
    if (!traceFile) throw new Error(`ONNX Runtime wrote no profile at ${level}`);
    const trace = JSON.parse(readFileSync(join(dir, traceFile), 'utf8'));
    const whole = stats(wall, 1);
    return {
      wholeModel: { medianMs: whole.median, p10Ms: whole.p10, p90Ms: whole.p90, runs: whole.runs },
      events: kernelStats(trace, opts.warmup),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const ort = await import('onnxruntime-node').catch(() => {
    console.error('this runner needs onnxruntime-node: npm install onnxruntime-node');
    process.exit(2);
  });
  const manifest = JSON.parse(readFileSync(join(opts.kit, 'manifest.json'), 'utf8'));
  const results = {
    format: 'tiersplit-kit-results',
    version: 1,
    kit: { seed: manifest.seed, models: manifest.models.length },
    runner: 'profile.mjs',
    runtime: { name: 'onnxruntime', version: ort.env.versions?.common ?? 'unknown' },
    host: { platform: os.platform(), arch: os.arch(), cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '' },
    settings: { threads: opts.threads, runs: opts.runs, warmup: opts.warmup },
    models: [],
  };
  const started = performance.now();
  for (const [i, model] of manifest.models.entries()) {
    const file = join(opts.kit, 'models', `${model.name}.onnx`);
    const bytes = readFileSync(file);
    const fingerprint = createHash('sha256').update(bytes).digest('hex');
    if (fingerprint !== model.sha256) throw new Error(`${file} is not the file the kit shipped (sha256 differs)`);
    const n = model.inputShape.reduce((a, d) => a * d, 1);
    const input = new ort.Tensor('float32', new Float32Array(n).fill(0.5), model.inputShape);
    const entry = { name: model.name, sha256: fingerprint };
    const modelStart = performance.now();
    for (const level of ['all', 'disabled']) entry[level] = await measure(ort, bytes, input, level, opts);
    entry.seconds = (performance.now() - modelStart) / 1000;
    results.models.push(entry);
    const elapsed = (performance.now() - started) / 1000;
    const eta = (elapsed / (i + 1)) * (manifest.models.length - i - 1);
    process.stderr.write(
      `[${i + 1}/${manifest.models.length}] ${model.name}: ${entry.all.wholeModel.medianMs.toFixed(2)} ms deployed, ` +
        `${entry.disabled.wholeModel.medianMs.toFixed(2)} ms per-node mode; ${elapsed.toFixed(0)} s elapsed, ~${eta.toFixed(0)} s left\n`,
    );
  }
  writeFileSync(opts.out, JSON.stringify(results));
  process.stderr.write(`wrote ${opts.out} (${results.models.length} models)\n`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
