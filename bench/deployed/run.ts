/**
 * Deployed latency (issue 10): per reference CPU, leave-one-model-out over the 39 models measured in-model,
 * model-level error against the whole-model `enable_all` time of
 *   (a) today's node sums (per-node `disabled` times),
 *   (b) node sums × one scale fitted on the other 38 models,
 *   (c) the kernel model (src/kernels/deployed-cost.ts) fitted on the other 38, fed measured node times,
 *   (c-pred) the same fed node times PREDICTED by an MLP trained without the held-out model (what an unseen
 *       architecture gets; --no-lomo-predictors skips these 2 × 39 trainings);
 * then each kernel class's fitted factor, and the grouping's agreement with ORT's optimised graph for every
 * fixture file (--no-ort skips it: minutes, the sweep graphs rebuild with random weights).
 * Run: npm run bench:deployed [-- --no-ort] [-- --no-lomo-predictors] [-- --block 16]
 */
import { createReadStream, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  DeployedSample,
  fitDeployedModel,
  kernelTerms,
  leaveOneModelOut,
  mean,
  predictSample,
} from '../../src/kernels/deployed-cost';
import { groupKernels } from '../../src/kernels/group-kernels';
import { DEFAULT_NCHWC_BLOCK } from '../../src/kernels/types';
import { ingestOnnx } from '../../src/onnx/ingest';
import { DEPLOYED_PLATFORMS, DeployedModelRow, deployedSet } from '../../src/platforms/reference/deployed-set';
import { CsvPlatform, REFERENCE_DIR } from '../../src/platforms/reference/reference-data';
import { referenceTrainingSet } from '../../src/platforms/reference/training-set';
import { DEFAULT_MLP_OPTIONS } from '../../src/predictors/mlp';
import { predictJs, trainPredictor } from '../../src/predictors/predictor';
import { loadPredictor } from '../../src/predictors/predictor-runtime';
import { trainOptionsFor } from '../../src/predictors/reference-eval';
import { onnxFiles } from '../../test/support/fixtures';
import { compareWithOrt, mapOrtGraph, ortOptimisedGraph } from '../../test/support/ort-kernels';

const RIDGE = 1; // as scripts/fit-deployed.ts
const flag = (name: string): boolean => process.argv.includes(`--${name}`);
const argValue = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
const out = (line: string): boolean => process.stdout.write(`${line}\n`);

const sampleOf = (r: DeployedModelRow, nodeUs = r.disabledNodeUs): DeployedSample => ({
  model: r.model,
  terms: kernelTerms(r.grouping, r.ingested.features, nodeUs),
  enableAllUs: r.enableAllUs,
});
const summary = (errors: number[]): string => {
  const abs = errors.map(Math.abs).sort((a, b) => a - b);
  return `${pct(mean(abs))} | ${pct(abs[Math.floor(abs.length / 2)])} | ${pct(abs[abs.length - 1])}`;
};

/** Node µs of the held-out model from an MLP trained on the other models (as bench/paper's predictLeaveOneOut). */
async function lomoNodeTimes(
  slug: string,
  csv: CsvPlatform,
  rows: DeployedModelRow[],
): Promise<Map<string, Float64Array>> {
  const set = await referenceTrainingSet(csv);
  const train = trainOptionsFor(
    loadPredictor(join(REFERENCE_DIR, 'predictors'), slug).artifact.training.target ?? 'latency',
  );
  const result = new Map<string, Float64Array>();
  for (const r of rows) {
    const trainRows = set.rows.filter((x) => x.model !== r.model);
    const wholeModels = set.wholeModels.filter((w) => w.model !== r.model);
    const p = await trainPredictor(trainRows, 'shared', DEFAULT_MLP_OPTIONS, wholeModels, train);
    const predicted = predictJs(p, r.ingested.features);
    result.set(
      r.model,
      Float64Array.from(r.ingested.features, (f, i) => (f.isConstant ? 0 : predicted[i])),
    );
  }
  return result;
}

async function modelLevel(block: number): Promise<void> {
  out(`\n## Model-level error against enable_all, leave-one-model-out over the 39 models (NCHWc block ${block})\n`);
  out('| platform | estimate | MAPE | median | max |');
  out('| --- | --- | --- | --- | --- |');
  const classRows: string[] = [];
  for (const p of DEPLOYED_PLATFORMS) {
    const started = Date.now();
    const rows = await deployedSet(p, block);
    const sums = rows.map((r) => r.disabledNodeUs.reduce((a, b) => a + b, 0));
    const ratio = rows.map((r, i) => sums[i] / r.enableAllUs);
    const a = ratio.map((x) => x - 1);
    const b = rows.map((_, i) => {
      const others = ratio.filter((_, j) => j !== i);
      const scale = others.reduce((s, x) => s + x, 0) / others.reduce((s, x) => s + x * x, 0);
      return scale * ratio[i] - 1;
    });
    const samples = rows.map((r) => sampleOf(r));
    const options = { ridge: RIDGE, platform: p.slug, nchwcBlockSize: block };
    const folds = leaveOneModelOut(samples, options);
    const c = folds.map((f) => f.predictedUs / f.enableAllUs - 1);
    out(`| ${p.slug} | (a) node sums | ${summary(a)} |`);
    out(`| ${p.slug} | (b) node sums × one scale | ${summary(b)} |`);
    out(`| ${p.slug} | (c) kernel model, measured node times | ${summary(c)} |`);
    const stored = await deployedSet(p, block, 'predicted');
    const cStored = folds.map((f, i) => {
      const held = sampleOf(stored[i]);
      return held.terms.length === 0 ? NaN : predictSample(f.fold, held) / held.enableAllUs - 1;
    });
    out(`| ${p.slug} | (c) kernel model, stored predictor's node times (in-sample) | ${summary(cStored)} |`);
    if (!flag('no-lomo-predictors')) {
      const lomo = await lomoNodeTimes(p.slug, p.csv, rows);
      const cPred = folds.map(
        (f, i) => predictSample(f.fold, sampleOf(rows[i], lomo.get(rows[i].model)!)) / rows[i].enableAllUs - 1,
      );
      out(`| ${p.slug} | (c-pred) kernel model, leave-one-model-out predicted node times | ${summary(cPred)} |`);
      const bPred = rows.map((r, i) => {
        const others = ratio.filter((_, j) => j !== i);
        const scale = others.reduce((s, x) => s + x, 0) / others.reduce((s, x) => s + x * x, 0);
        return (scale * lomo.get(r.model)!.reduce((s, x) => s + x, 0)) / r.enableAllUs - 1;
      });
      out(`| ${p.slug} | (b-pred) node sums × one scale, predicted node times | ${summary(bPred)} |`);
    }
    process.stderr.write(`${p.slug}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    const full = fitDeployedModel(samples, options);
    const predictedByClass = new Map<string, number>();
    let totalPredicted = 0;
    for (const s of samples) {
      for (const t of s.terms) {
        const us = predictSample(full, { ...s, terms: [t] });
        predictedByClass.set(t.cls, (predictedByClass.get(t.cls) ?? 0) + us);
        totalPredicted += us;
      }
    }
    for (const [cls, factor] of Object.entries(full.classFactors)) {
      const across = folds.map((f) => f.fold.classFactors[cls] ?? f.fold.commonFactor);
      // Model-level error where the class matters: models where it holds ≥ 20% of the disabled time.
      const heavy = rows
        .map((r, i) => ({
          i,
          share:
            samples[i].terms.filter((t) => t.cls === cls).reduce((s, t) => s + t.base + t.fused, 0) / r.disableAllUs,
        }))
        .filter((x) => x.share >= 0.2);
      const macUs = full.macUs[cls];
      classRows.push(
        `| ${p.slug} | ${cls} | ${factor.toFixed(3)} | ${Math.min(...across).toFixed(3)}–${Math.max(...across).toFixed(3)} | ` +
          `${macUs === undefined ? '–' : macUs.toFixed(2)} | ${pct((predictedByClass.get(cls) ?? 0) / totalPredicted)} | ` +
          `${heavy.length} | ${heavy.length ? pct(mean(heavy.map((h) => Math.abs(c[h.i])))) : '–'} |`,
      );
    }
    classRows.push(
      `| ${p.slug} | (shared) | fused ${full.fusedFactor.toFixed(3)}, reorder ${full.reorderUs.toFixed(1)} µs + ` +
        `${full.reorderUsPerMB.toFixed(1)} µs/MB, kernel ${full.kernelUs.toFixed(2)} µs, ${full.usPerMB.toFixed(2)} µs/MB, common ${full.commonFactor.toFixed(3)} | | | | | |`,
    );
  }
  out('\n## Per kernel class (fit on all 39; factor range over the 39 leave-one-out folds)\n');
  out(
    '| platform | class | factor on disabled µs | fold range | µs per MMAC | share of predicted time | models ≥ 20% of time | their (c) MAPE |',
  );
  out('| --- | --- | --- | --- | --- | --- | --- | --- |');
  classRows.forEach(out);
}

async function ortAgreement(block: number): Promise<void> {
  out(`\n## Kernel grouping vs ORT's optimised graph (this host, NCHWc block ${block}), every fixture\n`);
  out('| file | nodes agreeing | share | ORT reorders | our reorders |');
  out('| --- | --- | --- | --- | --- |');
  let agree = 0;
  let total = 0;
  for (const file of onnxFiles('graphs', 'generated', 'models', 'third_party')) {
    const m = await ingestOnnx(createReadStream(file));
    const ours = groupKernels(
      m.features,
      { inputs: m.summary.inputs.map((i) => i.name), outputs: m.summary.outputs.map((o) => o.name) },
      { nchwcBlockSize: block },
    );
    const theirs = mapOrtGraph(m, await ortOptimisedGraph(m));
    const cmp = compareWithOrt(m, ours, theirs);
    agree += cmp.agree;
    total += cmp.total;
    const reorders = ours.kernels.reduce((s, k) => s + k.reorders, 0);
    out(
      `| ${basename(file)} | ${cmp.agree}/${cmp.total} | ${pct(cmp.agree / cmp.total)} | ${theirs.reorders} | ${reorders} |`,
    );
  }
  out(`| **all** | ${agree}/${total} | ${pct(agree / total)} | | |`);
}

async function main(): Promise<void> {
  const block = Number(argValue('block') ?? DEFAULT_NCHWC_BLOCK);
  if (!flag('only-ort')) await modelLevel(block);
  // ORT decides the layout for the host it runs on: AVX-512 blocks by 16, AVX2 by 8.
  const hostBlock = /\bavx512f\b/.test(readFileSync('/proc/cpuinfo', 'utf8')) ? 16 : 8;
  if (!flag('no-ort')) await ortAgreement(hostBlock);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
