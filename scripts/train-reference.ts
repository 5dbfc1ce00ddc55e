/**
 * Trains the reference predictors (ref-cpu1, ref-cpu16, ref-h200) from data/reference, deterministically, and
 * writes data/reference/predictors/<slug>.json (metadata, leave-one-model-out metrics of the MLP and both
 * baselines) plus one ONNX file per network, <slug>-<class>.onnx.
 * Training set: the eight models + the 31 generated models, all in-model (why not the sweep: training-set.ts).
 * Metrics: leave-one-model-out over the eight reference models, trained on the same rows minus the held-out model.
 * Run: node bench/run-ts.js scripts/train-reference.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REFERENCE_DIR, REFERENCE_PLATFORMS } from '../src/platforms/reference/reference-data';
import { referenceTrainingSet } from '../src/platforms/reference/training-set';
import { FEATURE_NAMES, OpClass } from '../src/predictors/encoding';
import { DEFAULT_MLP_OPTIONS } from '../src/predictors/mlp';
import { exportMlpToOnnx } from '../src/predictors/onnx-export';
import { trainPredictor } from '../src/predictors/predictor';
import { PredictorArtifact } from '../src/predictors/predictor-runtime';
import { evaluateAll } from '../src/predictors/reference-eval';

/** Per-class networks: fits each class's own power laws; the shared variant is kept for the bench to compare. */
const MODE = 'per-class' as const;

async function main(): Promise<void> {
  const out = join(REFERENCE_DIR, 'predictors');
  mkdirSync(out, { recursive: true });
  for (const platform of REFERENCE_PLATFORMS) {
    const started = Date.now();
    const set = await referenceTrainingSet(platform.csvPlatform);
    const metrics = await evaluateAll(set.heldOut, set.rows, MODE, DEFAULT_MLP_OPTIONS);
    const trained = await trainPredictor(set.rows, MODE, DEFAULT_MLP_OPTIONS);
    const networks: Partial<Record<OpClass | 'shared', string>> = {};
    for (const [key, mlp] of Object.entries(trained.networks)) {
      if (!mlp) continue;
      const file = `${platform.slug}-${key}.onnx`;
      writeFileSync(join(out, file), exportMlpToOnnx(mlp, `${platform.slug}_${key}`));
      networks[key as OpClass] = file;
    }
    const artifact: PredictorArtifact = {
      id: `${platform.slug}-reference-v1`,
      slug: platform.slug,
      mode: MODE,
      featureNames: [...FEATURE_NAMES],
      networks,
      samples: trained.samples,
      fallback: trained.fallback,
      metrics,
      training: {
        ms: Date.now() - started,
        rows: set.rows.length,
        sets: ['model-nodes', 'gen-nodes'],
        seed: DEFAULT_MLP_OPTIONS.seed,
        epochs: DEFAULT_MLP_OPTIONS.epochs,
        hidden: DEFAULT_MLP_OPTIONS.hidden,
      },
    };
    writeFileSync(join(out, `${platform.slug}.json`), `${JSON.stringify(artifact, null, 1)}\n`);
    process.stdout.write(
      `${platform.slug}: ${artifact.training.ms} ms, ${set.rows.length} rows, ${set.unmapped} unmapped\n`,
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
