/**
 * Self-profiling on this machine (issue 6, "Measure"), through the real app in-process (embedded database, jobs
 * run by its own worker):
 * 1. Profile squeezenet1_1 (real weights) and the graph-only resnet18 (weights synthesised): per-node medians,
 *    whole-model time, and how far the sum of node medians is from the whole (the dispatch overhead the
 *    predictor must model).
 * 2. Profile five shared graphs on one platform, train its predictor (a job), and predict a sixth architecture it
 *    never saw, profiled on a second platform of the same host: per-node and model-level error.
 * Prints markdown tables.
 *
 *   node bench/run-ts.js bench/self-profile/run.ts [--runs N]   (default 30)
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
import { computeMetrics, Metrics } from '../../src/predictors/metrics';
import { describeHost } from '../../src/profiling/host-info';
import { fixturePath } from '../../test/support/fixtures';

const TRAIN = ['alexnet', 'googlenet', 'mobilenet_v2', 'resnet18', 'squeezenet1_1'];
const HELD_OUT = 'mobilenet_v3_small';

interface Job {
  state: string;
  error: string | null;
  result: Record<string, unknown> | null;
}

interface ProfileResult {
  nodesMeasured: number;
  nodesNotRun: number;
  wholeModelMs: { median: number; p10: number; p90: number };
  sumOfNodeMediansMs: number;
  sumOverWhole: number;
}

const f = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : '–');
const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '–');

async function main(): Promise<void> {
  const argRuns = process.argv.indexOf('--runs');
  const runs = argRuns > 0 ? Math.max(1, Math.floor(Number(process.argv[argRuns + 1]) || 30)) : 30;
  const dataDir = mkdtempSync(join(tmpdir(), 'tiersplit-bench-profile-'));
  const config: AppConfig = {
    ...loadConfig({}),
    DATA_DIR: dataDir,
    TIERSPLIT_ADMIN_KEY: generateApiKey(),
    LOG_LEVEL: 'error',
    SEED_REFERENCE: false,
    WORKERS: 1,
  };
  const app = await createApp(config);
  try {
    await app.init();
    await app.listen(0, '127.0.0.1');
    const server = app.getHttpServer() as Server;
    const { key } = await app.get(AuthService).createKey('bench');
    const auth = { Authorization: `Bearer ${key}` };
    const http = () => request(server);
    for (const slug of ['host', 'host-check']) {
      await http().post('/v1/platforms').set(auth).send({ slug, name: slug, kind: 'cpu' }).expect(201);
    }
    const upload = async (dir: string, model: string): Promise<string> => {
      const file = readFileSync(fixturePath(dir, `${model}.onnx`));
      const res = await http().post('/v1/models').set(auth).attach('file', file, `${model}.onnx`).expect(201);
      return res.body.id as string;
    };
    const job = async (path: string, body: object): Promise<{ job: Job; seconds: number }> => {
      const started = performance.now();
      const accepted = await http().post(path).set(auth).send(body).expect(202);
      for (;;) {
        const j = (await http().get(`/v1/jobs/${accepted.body.jobId}`).set(auth).expect(200)).body as Job;
        if (j.state === 'failed') throw new Error(`${path}: ${j.error}`);
        if (j.state === 'succeeded') return { job: j, seconds: (performance.now() - started) / 1000 };
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    const profile = async (slug: string, modelId: string) => {
      const { job: j, seconds } = await job(`/v1/platforms/${slug}/profile`, { modelId, runs, warmup: 5 });
      return { result: j.result as unknown as ProfileResult, seconds };
    };

    const host = describeHost();
    process.stdout.write(
      `host: ${host.cpuModel}, ${host.availableParallelism} of ${host.logicalCpus} CPUs, ` +
        `${(host.memoryBytes / 2 ** 30).toFixed(1)} GiB, onnxruntime ${host.onnxruntime}; ${runs} runs after 5 ` +
        `warm-up, ${host.availableParallelism} intra-op threads, graph optimisation off\n\n`,
    );
    process.stdout.write(
      '| model | weights | nodes measured | whole median (ms) | whole p10–p90 (ms) | Σ node medians (ms) | Σ / whole | job (s) |\n' +
        '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n',
    );
    const ids = new Map<string, string>();
    for (const [dir, model, weights] of [
      ['models', 'squeezenet1_1', 'real'],
      ['graphs', 'resnet18', 'synthesised'],
    ]) {
      const id = await upload(dir, model);
      if (dir === 'graphs') ids.set(model, id);
      const { result: r, seconds } = await profile('host', id);
      const w = r.wholeModelMs;
      process.stdout.write(
        `| ${model} | ${weights} | ${r.nodesMeasured} | ${f(w.median)} | ${f(w.p10)}–${f(w.p90)} | ` +
          `${f(r.sumOfNodeMediansMs)} | ${f(r.sumOverWhole, 3)} | ${f(seconds, 1)} |\n`,
      );
    }

    // The training set: five graphs profiled on `host` (resnet18 already is).
    for (const model of TRAIN) {
      if (!ids.has(model)) {
        const id = await upload('graphs', model);
        ids.set(model, id);
        await profile('host', id);
      }
    }
    const heldOutId = await upload('graphs', HELD_OUT);
    const truth = await profile('host-check', heldOutId);
    const trained = await job('/v1/platforms/host/predictors', {});
    const { metrics: lomo, target } = trained.job.result as { metrics: Record<string, Metrics>; target: string };

    const predicted = (
      await http().post('/v1/predictions').set(auth).send({ modelId: heldOutId, platform: 'host' }).expect(200)
    ).body as { totalMs: number; nodes: { name: string; latencyUs: number; source: string }[] };
    const measured = (
      await http().get(`/v1/platforms/host-check/measurements?modelId=${heldOutId}&limit=1000`).set(auth).expect(200)
    ).body.items as { node: string; medianUs: number }[];
    const byName = new Map(predicted.nodes.map((n) => [n.name, n]));
    const pairs = measured.filter((m) => byName.get(m.node)?.source === 'predicted');
    const heldOut = computeMetrics([
      {
        model: HELD_OUT,
        measuredUs: pairs.map((m) => m.medianUs),
        predictedUs: pairs.map((m) => byName.get(m.node)!.latencyUs),
        predictedTotalUs: predicted.totalMs * 1000,
        wholeUs: truth.result.wholeModelMs.median * 1000,
      },
    ]);
    process.stdout.write(
      `\npredictor for \`host\` (target: ${target}) trained on ${TRAIN.join(', ')} in ${f(trained.seconds, 1)} s; ` +
        `${HELD_OUT} predicted (${pairs.length} nodes) against its own profile on \`host-check\`\n\n` +
        '| evaluation | predictor | node MAPE (≥ 5 µs) | time-weighted | within ±10% | model-level |\n' +
        '| --- | --- | ---: | ---: | ---: | ---: |\n',
    );
    for (const [name, m] of Object.entries(lomo)) {
      process.stdout.write(
        `| leave-one-model-out over the five | ${name} | ${pct(m.nodeMape)} | ${pct(m.timeWeightedError)} | ` +
          `${pct(m.within10)} | ${pct(m.modelError)} |\n`,
      );
    }
    process.stdout.write(
      `| ${HELD_OUT}, never seen | mlp | ${pct(heldOut.nodeMape)} | ${pct(heldOut.timeWeightedError)} | ` +
        `${pct(heldOut.within10)} | ${pct(heldOut.modelError)} |\n`,
    );
    process.stdout.write(
      `\n${HELD_OUT}: predicted total ${f(predicted.totalMs)} ms, measured whole ${f(truth.result.wholeModelMs.median)} ms, ` +
        `Σ measured node medians ${f(truth.result.sumOfNodeMediansMs)} ms\n`,
    );
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
