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
import { trainArtifact } from '../src/predictors/train-artifact';

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
    let evaluated = loaded;
    const { artifact, networks } = await trainArtifact({
      id: `${platform.slug}-reference-v2`,
      slug: platform.slug,
      rows: set.rows,
      heldOut: set.heldOut,
      // The whole-model correction learns from every model with a comparable whole-model row (38), not only the 8.
      wholeModels: set.wholeModels,
      sets: ['model-nodes', 'gen-nodes'],
      onProgress: (_fraction, step) => (evaluated = step === 'training on every model' ? Date.now() : evaluated),
    });
    for (const [file, bytes] of Object.entries(networks)) writeFileSync(join(out, file), bytes);
    const metrics = artifact.metrics;
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
