/**
 * Trains the reference predictors (ref-cpu1, ref-cpu16, ref-h200) from data/reference, deterministically, and
 * writes data/reference/predictors/<slug>.json (metadata, leave-one-model-out metrics of the MLP and both
 * baselines) plus one ONNX file per network, <slug>-<class>.onnx.
 * Training set: the eight models + the 31 generated models, all in-model (why not the sweep: training-set.ts).
 * Metrics: leave-one-model-out over the eight reference models, trained on the same rows minus the held-out model.
 * Run: node bench/run-ts.js scripts/train-reference.ts
 */
import { mkdirSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REFERENCE_DIR, REFERENCE_PLATFORMS } from '../src/platforms/reference/reference-data';
import { referenceTrainingSet } from '../src/platforms/reference/training-set';
import { FEATURE_NAMES, OpClass } from '../src/predictors/encoding';
import { DEFAULT_MLP_OPTIONS } from '../src/predictors/mlp';
import { exportMlpToOnnx } from '../src/predictors/onnx-export';
import { trainPredictor } from '../src/predictors/predictor';
import { PredictorArtifact } from '../src/predictors/predictor-runtime';
import { evaluateAll } from '../src/predictors/reference-eval';

/**
 * One shared network with the operator class as a one-hot input: on leave-one-model-out it generalised better
 * than per-class networks on all three platforms (bench/predictors compares both), since rare classes borrow
 * the size→time relation learnt on the common ones, and it trains in a third of the time.
 */
const MODE = 'shared' as const;

async function main(): Promise<void> {
  const out = join(REFERENCE_DIR, 'predictors');
  mkdirSync(out, { recursive: true });
  const all = Date.now();
  // Stale files of the other mode (per-class ↔ shared) would otherwise linger beside the new artifact.
  for (const f of readdirSync(out)) if (f.endsWith('.onnx')) unlinkSync(join(out, f));
  for (const platform of REFERENCE_PLATFORMS) {
    const started = Date.now();
    const set = await referenceTrainingSet(platform.csvPlatform);
    const loaded = Date.now();
    const metrics = await evaluateAll(set.heldOut, set.rows, MODE, DEFAULT_MLP_OPTIONS);
    const evaluated = Date.now();
    const trained = await trainPredictor(set.rows, MODE, DEFAULT_MLP_OPTIONS);
    const networks: Partial<Record<OpClass | 'shared', string>> = {};
    for (const [key, mlp] of Object.entries(trained.networks)) {
      if (!mlp) continue;
      const file = `${platform.slug}-${key}.onnx`;
      writeFileSync(join(out, file), exportMlpToOnnx(mlp, `${platform.slug}_${key}`));
      networks[key as OpClass] = file;
    }
    const artifact: PredictorArtifact = {
      id: `${platform.slug}-reference-v2`,
      slug: platform.slug,
      mode: MODE,
      featureNames: [...FEATURE_NAMES],
      networks,
      samples: trained.samples,
      clampLogUs: trained.clampLogUs,
      fallback: trained.fallback,
      metrics,
      training: {
        ms: Date.now() - started,
        rows: set.rows.length,
        sets: ['model-nodes', 'gen-nodes'],
        seed: DEFAULT_MLP_OPTIONS.seed,
        epochs: DEFAULT_MLP_OPTIONS.epochs,
        hidden: DEFAULT_MLP_OPTIONS.hidden,
        batchSize: DEFAULT_MLP_OPTIONS.batchSize,
        learningRate: DEFAULT_MLP_OPTIONS.learningRate,
        weightDecay: DEFAULT_MLP_OPTIONS.weightDecay,
      },
    };
    writeFileSync(join(out, `${platform.slug}.json`), `${JSON.stringify(artifact, null, 1)}\n`);
    const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
    process.stdout.write(
      `${platform.slug}: ${s(artifact.training.ms)} (load ${s(loaded - started)}, leave-one-model-out ` +
        `${s(evaluated - loaded)}, final fit ${s(Date.now() - evaluated)}), ${set.rows.length} rows, ` +
        `${set.unmapped} unmapped; MLP node MAPE ${(100 * metrics.mlp.nodeMape).toFixed(1)}%\n`,
    );
  }
  process.stdout.write(`total: ${((Date.now() - all) / 1000).toFixed(1)} s\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
