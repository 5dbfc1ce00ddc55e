/**
 * `POST /v1/plans` latency for a cached model (issue 5, "Measure"): the real app in-process (embedded database in a
 * temporary DATA_DIR, reference platforms seeded), one tenant, reference graphs uploaded over HTTP, then N plans per
 * model against a 3-tier network (end ref-cpu1 –wifi– edge ref-cpu16 –wan– cloud ref-h200). The first call of each
 * model is excluded (it fills the per-model caches: features, predictions); the N timed calls follow one after the
 * other over one loopback server. Prints a markdown table.
 *
 *   node bench/run-ts.js bench/plans-api/run.ts [--calls N]   (default 1000)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { generateApiKey } from '../../src/auth/api-key.codec';
import { AuthService } from '../../src/auth/auth.service';
import { AppConfig, loadConfig } from '../../src/config/env.schema';
import { findPackageRoot } from '../../src/platforms/reference/reference-data';

const GRAPHS = join(findPackageRoot(), 'data', 'reference', 'graphs');
const MODELS = ['resnet18', 'googlenet', 'inception_v3'];
const NETWORK = {
  tiers: [
    { name: 'end', platform: 'ref-cpu1' },
    { name: 'edge', platform: 'ref-cpu16' },
    { name: 'cloud', platform: 'ref-h200' },
  ],
  links: [{ preset: 'wifi' }, { preset: 'wan' }],
};

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

interface PlanBody {
  id: string;
  totalMs: number;
  tiers: { tier: string; nodes: string[] }[];
}

async function main(): Promise<void> {
  const argCalls = process.argv.indexOf('--calls');
  const calls = argCalls > 0 ? Math.max(1, Math.floor(Number(process.argv[argCalls + 1]) || 1000)) : 1000;
  const dataDir = mkdtempSync(join(tmpdir(), 'tiersplit-bench-plans-'));
  const config: AppConfig = {
    ...loadConfig({}),
    DATA_DIR: dataDir,
    TIERSPLIT_ADMIN_KEY: generateApiKey(),
    LOG_LEVEL: 'error',
    SEED_REFERENCE: true,
  };
  const bootStart = performance.now();
  const app = await createApp(config);
  try {
    await app.init();
    await app.listen(0, '127.0.0.1'); // supertest then reuses this server instead of listening once per request
    const bootMs = performance.now() - bootStart;
    const server = app.getHttpServer() as Server;
    const { key } = await app.get(AuthService).createKey('bench');
    const auth = { Authorization: `Bearer ${key}` };
    const rows: string[] = [];
    for (const model of MODELS) {
      const file = readFileSync(join(GRAPHS, `${model}.onnx`));
      const upload = await request(server).post('/v1/models').set(auth).attach('file', file, `${model}.onnx`);
      if (upload.status !== 201) throw new Error(`upload ${model}: ${upload.status} ${JSON.stringify(upload.body)}`);
      const { id: modelId, nodeCount } = upload.body as { id: string; nodeCount: number };
      const plan = async (): Promise<PlanBody> => {
        const res = await request(server).post('/v1/plans').set(auth).send({ modelId, network: NETWORK });
        if (res.status !== 201) throw new Error(`plan ${model}: ${res.status} ${JSON.stringify(res.body)}`);
        return res.body as PlanBody;
      };
      const warmStart = performance.now();
      const first = await plan();
      const warmMs = performance.now() - warmStart;
      const samples: number[] = [];
      const loopStart = performance.now();
      for (let i = 0; i < calls; i++) {
        const start = performance.now();
        await plan();
        samples.push(performance.now() - start);
      }
      const loopMs = performance.now() - loopStart;
      samples.sort((a, b) => a - b);
      const used = first.tiers.filter((t) => t.nodes.length > 0).map((t) => t.tier);
      rows.push(
        `| ${model} | ${nodeCount} | ${warmMs.toFixed(1)} | ${[0.5, 0.9, 0.99]
          .map((q) => quantile(samples, q).toFixed(2))
          .join(' | ')} | ${samples[samples.length - 1].toFixed(2)} | ${((1000 * calls) / loopMs).toFixed(0)} | ` +
          `${first.totalMs.toFixed(1)} (${used.join('+')}) |`,
      );
    }
    process.stdout.write(
      `POST /v1/plans in-process (embedded PGlite, loopback HTTP via supertest), ${calls} sequential calls per model ` +
        `after one warm-up call, network ref-cpu1 –wifi– ref-cpu16 –wan– ref-h200; Node ${process.version}; ` +
        `boot with reference seeding ${(bootMs / 1000).toFixed(1)} s\n\n` +
        '| model | nodes | first call ms | p50 ms | p90 ms | p99 ms | max ms | calls/s | plan totalMs (tiers) |\n' +
        '|---|---:|---:|---:|---:|---:|---:|---:|---|\n' +
        rows.join('\n') +
        '\n',
    );
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
