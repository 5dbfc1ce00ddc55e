/**
 * Fits the deployed (graph optimisation `all`) cost model of each reference CPU from data/reference and writes
 * data/reference/predictors/<slug>.deployed.json: the few fitted numbers (src/kernels/deployed-cost.ts) with
 * leave-one-model-out metrics over the 39 models measured in-model, beside the node-sum baselines.
 * The ridge is fixed (not searched on these models): the targets are checked on models never seen.
 * Run: npm run fit:deployed
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitDeployedModel, kernelTerms, leaveOneModelOut, mean } from '../src/kernels/deployed-cost';
import { DEFAULT_NCHWC_BLOCK } from '../src/kernels/types';
import { DEPLOYED_PLATFORMS, deployedSet } from '../src/platforms/reference/deployed-set';
import { REFERENCE_DIR } from '../src/platforms/reference/reference-data';

export const DEPLOYED_RIDGE = 1;

async function main(): Promise<void> {
  for (const platform of DEPLOYED_PLATFORMS) {
    const started = Date.now();
    const rows = await deployedSet(platform, DEFAULT_NCHWC_BLOCK);
    const samples = rows.map((r) => ({
      model: r.model,
      terms: kernelTerms(r.grouping, r.ingested.features, r.disabledNodeUs),
      enableAllUs: r.enableAllUs,
    }));
    const options = { ridge: DEPLOYED_RIDGE, platform: platform.slug, nchwcBlockSize: DEFAULT_NCHWC_BLOCK };
    const folds = leaveOneModelOut(samples, options);
    const errors = folds.map((f) => f.predictedUs / f.enableAllUs - 1);
    const model = fitDeployedModel(samples, options);
    const sums = rows.map((r) => r.disabledNodeUs.reduce((a, b) => a + b, 0));
    model.metrics = {
      ...model.metrics,
      lomoMape: mean(errors.map(Math.abs)),
      lomoMaxError: Math.max(...errors.map(Math.abs)),
      nodeSumMape: mean(rows.map((r, i) => Math.abs(sums[i] / r.enableAllUs - 1))),
      perModel: Object.fromEntries(folds.map((f, i) => [f.model, Number(errors[i].toFixed(4))])),
      unmeasuredNodes: rows.reduce((s, r) => s + r.unmeasured, 0),
    };
    writeFileSync(
      join(REFERENCE_DIR, 'predictors', `${platform.slug}.deployed.json`),
      `${JSON.stringify(model, null, 1)}\n`,
    );
    process.stdout.write(
      `${platform.slug}: ${rows.length} models, leave-one-model-out MAPE ${(100 * model.metrics.lomoMape).toFixed(1)}% ` +
        `(node sums ${(100 * (model.metrics.nodeSumMape as number)).toFixed(1)}%), ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
