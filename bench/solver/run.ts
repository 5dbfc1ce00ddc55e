/**
 * Solver bench (issue 5): median solve time for chains and random layered DAGs of 100, 1,000 and 10,000 nodes
 * (width ~4, up to 3 inputs per node), 3 tiers; "optimum" alone and the "whole plan" (optimum, six baselines,
 * bandwidth regions of link 1 over [0.1, 1000] Mbps). Prints a markdown table. Then the real graphs: the eight
 * reference models and two third-party ONNX zoo graphs (light_densenet121, light_inception_v2), ingested as an upload
 * is, with per-node latencies from the stored predictors of ref-cpu1 / ref-cpu16 / ref-h200.
 *
 *   node bench/run-ts.js bench/solver/run.ts [--reps N]
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { bandwidthRegions } from '../../src/planning/bandwidth-regions';
import { baselines } from '../../src/planning/baselines';
import { prepare, PreparedGraph } from '../../src/planning/cost-model';
import { layeredDag, randomChain } from '../../test/support/random-graphs';
import { solvePrepared } from '../../src/planning/solve';
import { PlanGraph, PlanNetwork } from '../../src/planning/types';
import { findPackageRoot, REFERENCE_MODELS } from '../../src/platforms/reference/reference-data';
import { loadReferenceModels, ingestFile, planGraph, predictTiers } from '../paper/models';
import { seededRandom } from '../../src/common/seeded-random';

// WiFi end–edge and WAN edge–cloud, the presets of issue 5.
const network: PlanNetwork = {
  tiers: 3,
  links: [
    { uplinkMbps: 18.88, downlinkMbps: 54, rttMs: 10 },
    { uplinkMbps: 100, downlinkMbps: 100, rttMs: 40 },
  ],
};
const TIERS = ['end', 'edge', 'cloud'];
const TARGETS: Record<number, { optimum?: number; whole?: number }> = {
  1000: { optimum: 3, whole: 25 },
  10000: { optimum: 30 },
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function time(reps: number, fn: () => void): number {
  for (let i = 0; i < Math.min(5, reps); i++) fn(); // warm-up: JIT and the flow network's buffers
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

function wholePlan(pg: PreparedGraph): number {
  const optimum = solvePrepared(pg, network)!;
  const six = baselines(pg, network, TIERS);
  const regions = bandwidthRegions(pg, network, 1, 0.1, 1000);
  return optimum.cost.totalMs + six.length + regions.length;
}

const fmt = (ms: number): string => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
const verdict = (ms: number, target?: number): string =>
  target === undefined ? '' : ms <= target ? ` (≤ ${target} ✓)` : ` (> ${target} ✗)`;

const THIRD_PARTY = ['light_densenet121', 'light_inception_v2'];

/** Real graphs with predicted latencies on the three reference tiers. */
async function realGraphs(): Promise<{ name: string; graph: PlanGraph }[]> {
  const out: { name: string; graph: PlanGraph }[] = [];
  for (const m of await loadReferenceModels()) out.push({ name: m.model, graph: planGraph(m.ingested, m.predicted) });
  const dir = join(findPackageRoot(), 'data', 'fixtures', 'third_party');
  for (const name of THIRD_PARTY) {
    const ingested = await ingestFile(join(dir, `${name}.onnx`));
    out.push({ name, graph: planGraph(ingested, await predictTiers(ingested)) });
  }
  return out;
}

function row(shape: string, graph: PlanGraph, reps: number, target: { optimum?: number; whole?: number }): string {
  const n = graph.nodes.length;
  const edges = graph.tensors.reduce((sum, t) => sum + t.consumers.length, 0);
  const k = n >= 10000 ? Math.max(5, Math.ceil(reps / 2)) : reps;
  const prepareMs = time(k, () => prepare(graph));
  const pg = prepare(graph);
  const optimumMs = time(k, () => solvePrepared(pg, network));
  const wholeMs = time(k, () => wholePlan(pg));
  const plan = solvePrepared(pg, network)!;
  const used = new Set(plan.assignment).size;
  const regions = bandwidthRegions(pg, network, 1, 0.1, 1000).length;
  return (
    `| ${shape} | ${n} | ${edges} | ${fmt(prepareMs)} | ${fmt(optimumMs)}${verdict(optimumMs, target.optimum)} | ` +
    `${fmt(wholeMs)}${verdict(wholeMs, target.whole)} | ${regions} | ${used} | ${plan.cost.totalMs.toFixed(1)} |`
  );
}

async function main(): Promise<void> {
  const repsArg = process.argv.indexOf('--reps');
  const reps = repsArg > 0 ? Number(process.argv[repsArg + 1]) : 15;
  const rows: string[] = [];
  for (const shape of ['chain', 'layered DAG'] as const) {
    for (const n of [100, 1000, 10000]) {
      const r = seededRandom(n + (shape === 'chain' ? 1 : 2));
      const graph: PlanGraph = shape === 'chain' ? randomChain(r, n, 3) : layeredDag(r, n);
      rows.push(row(shape, graph, reps, TARGETS[n] ?? {}));
    }
  }
  const real = await realGraphs();
  for (const { name, graph } of real) rows.push(row(name, graph, reps, {}));
  process.stdout.write(
    `Solver bench, 3 tiers (WiFi end–edge, WAN edge–cloud), median of ${reps} runs (5+ for 10,000 nodes) after warm-up, ` +
      `Node ${process.version}. Random graphs: latencies from random-graphs.ts; real graphs (${REFERENCE_MODELS.length} ` +
      `reference models + ${THIRD_PARTY.join(', ')}): ref-cpu1 / ref-cpu16 / ref-h200 predictor latencies, ` +
      'float32 transfers.\n\n' +
      '| graph | nodes | edges | prepare ms | optimum ms | whole plan ms | regions (link 1) | tiers used | plan totalMs |\n' +
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|\n' +
      rows.join('\n') +
      '\n',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
