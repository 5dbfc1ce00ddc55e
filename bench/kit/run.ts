/**
 * bench/kit: how long a device takes to profile a kit. Packs a kit of N models (default 100) exactly as
 * GET /v1/profiling-kit serves it, unpacks it, runs the Node runner on one thread with its default runs and
 * warm-up, and prints the profiling time per input size and in total (target: 100 models in ≤ 30 minutes on one
 * core). Run it on a quiet machine: `npm run bench:kit -- --models 100 --seed 1`.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';
import { kitArchive } from '../../src/kit/kit-archive';
import { findPackageRoot } from '../../src/platforms/reference/reference-data';

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

async function unpack(count: number, seed: number, dir: string): Promise<void> {
  const ex = extract();
  ex.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: unknown) => chunks.push(c as Buffer));
    stream.on('end', () => {
      mkdirSync(dirname(join(dir, header.name)), { recursive: true });
      writeFileSync(join(dir, header.name), Buffer.concat(chunks));
      next();
    });
  });
  await pipeline(kitArchive(count, seed), createGunzip(), ex);
}

interface ModelResult {
  name: string;
  seconds: number;
  all: { wholeModel: { medianMs: number }; events: unknown[] };
  disabled: { wholeModel: { medianMs: number }; events: unknown[] };
}

async function main(): Promise<void> {
  const models = flag('models', 100);
  const seed = flag('seed', 1);
  const root = findPackageRoot();
  mkdirSync(join(root, 'tmp'), { recursive: true });
  const dir = mkdtempSync(join(root, 'tmp', 'bench-kit-'));
  try {
    const packStart = performance.now();
    await unpack(models, seed, dir);
    const packSeconds = (performance.now() - packStart) / 1000;
    const kit = join(dir, 'tiersplit-kit');
    const manifest = JSON.parse(readFileSync(join(kit, 'manifest.json'), 'utf8')) as {
      models: { name: string; inputShape: number[]; macs: number }[];
    };
    const started = performance.now();
    await promisify(execFile)(
      process.execPath,
      [join(kit, 'profile.mjs'), '--out', join(dir, 'results.json'), '--threads', '1'],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const totalSeconds = (performance.now() - started) / 1000;
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { models: ModelResult[] };
    const bySize = new Map<number, { n: number; seconds: number; macs: number; all: number; disabled: number }>();
    results.models.forEach((r, i) => {
      const size = manifest.models[i].inputShape[2];
      const row = bySize.get(size) ?? { n: 0, seconds: 0, macs: 0, all: 0, disabled: 0 };
      row.n++;
      row.seconds += r.seconds;
      row.macs += manifest.models[i].macs;
      row.all += r.all.wholeModel.medianMs;
      row.disabled += r.disabled.wholeModel.medianMs;
      bySize.set(size, row);
    });
    console.log(`kit of ${models} models (seed ${seed}): packed and unpacked in ${packSeconds.toFixed(1)} s`);
    console.log('| input | models | mean MMACs | mean deployed ms | mean per-node-mode ms | profiling s / model |');
    console.log('| ----- | ------ | ---------- | ---------------- | --------------------- | ------------------- |');
    for (const [size, r] of [...bySize].sort((a, b) => a[0] - b[0])) {
      console.log(
        `| ${size}² | ${r.n} | ${(r.macs / r.n / 1e6).toFixed(0)} | ${(r.all / r.n).toFixed(1)} | ${(r.disabled / r.n).toFixed(1)} | ${(r.seconds / r.n).toFixed(2)} |`,
      );
    }
    console.log(
      `\ntotal profiling time on 1 thread: ${(totalSeconds / 60).toFixed(1)} min (target for 100 models: ≤ 30 min)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
