/**
 * The predictor yardstick (issues 3 and 4): leave-one-model-out over the eight reference models, per platform,
 * the MLP (both variants: per-class networks and one shared network with the class one-hot) and the two
 * baselines side by side, plus the time each step takes on this host.
 * Run: node bench/run-ts.js bench/predictors/run.ts [--platform ref-cpu1] [--mode per-class|shared|both]
 *      [--epochs N] [--hidden 32,32] [--batch N] [--lr X] [--wd X] [--ensemble K]
 *      [--correction all|heldout|off] (whole-model correction fitted on every model with a whole-model row, only
 *      the reference models, or none) [--trees N] [--maxDepth N] [--minLeaf N] [--maxFeatures X] (nn-Meter RF)
 *      [--target latency|roofline-residual|both] (what the MLP learns: µs, or the residual over a roofline)
 *      [--by-kind N] (errors of the shared MLP (last target) and the RF per node kind, the N kinds with most time)
 */
import { REFERENCE_PLATFORMS } from '../../src/platforms/reference/reference-data';
import { referenceTrainingSet } from '../../src/platforms/reference/training-set';
import { leaveOneModelOut, Metrics, metricsByKind, ModelEvaluation } from '../../src/predictors/metrics';
import { trainNnMeter } from '../../src/predictors/baselines';
import { DEFAULT_MLP_OPTIONS, MlpOptions } from '../../src/predictors/mlp';
import { PredictorMode, trainPredictor } from '../../src/predictors/predictor';
import {
  evaluateBaselines,
  evaluateMlp,
  PREDICTOR_TARGETS,
  PredictorTarget,
  trainOptionsFor,
} from '../../src/predictors/reference-eval';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

function options(): MlpOptions {
  const o = { ...DEFAULT_MLP_OPTIONS };
  const n = (name: string): number | undefined => (arg(name) === undefined ? undefined : Number(arg(name)));
  o.epochs = n('epochs') ?? o.epochs;
  o.batchSize = n('batch') ?? o.batchSize;
  o.learningRate = n('lr') ?? o.learningRate;
  o.weightDecay = n('wd') ?? o.weightDecay;
  o.ensemble = n('ensemble') ?? o.ensemble;
  o.hidden = arg('hidden')?.split(',').map(Number) ?? o.hidden;
  return o;
}

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
const row = (platform: string, name: string, m: Metrics, s: number): string =>
  `| ${platform} | ${name} | ${pct(m.nodeMape)} | ${pct(m.timeWeightedError)} | ${pct(m.within10)} | ${pct(m.within25)} | ${pct(m.modelError)} | ${s.toFixed(1)} s |`;

function kindRows(slug: string, mlp: ModelEvaluation[], forest: ModelEvaluation[], top: number): string[] {
  const rf = new Map(metricsByKind(forest).map((k) => [k.kind, k]));
  return metricsByKind(mlp)
    .slice(0, top)
    .map((k) => {
      const r = rf.get(k.kind);
      return (
        `| ${slug} | ${k.kind} | ${k.nodes} | ${pct(k.timeShare)} | ${pct(k.nodeMape)} | ${pct(k.timeWeightedError)} | ` +
        `${k.medianRatio.toFixed(2)} | ${r ? pct(r.nodeMape) : '–'} | ${r ? pct(r.timeWeightedError) : '–'} | ` +
        `${r ? r.medianRatio.toFixed(2) : '–'} |`
      );
    });
}

async function main(): Promise<void> {
  const only = arg('platform');
  const modeArg = arg('mode') ?? 'both';
  const modes: PredictorMode[] =
    modeArg === 'both' ? ['per-class', 'shared'] : modeArg === 'none' ? [] : [modeArg as PredictorMode];
  const o = options();
  const targetArg = arg('target') ?? 'both';
  const targets: PredictorTarget[] = targetArg === 'both' ? [...PREDICTOR_TARGETS] : [targetArg as PredictorTarget];
  process.stdout.write(`MLP options: ${JSON.stringify(o)}\n\n`);
  process.stdout.write(
    '| platform | predictor | node MAPE (≥5 µs) | time-weighted | ±10% | ±25% | model-level | LOMO time |\n|---|---|---|---|---|---|---|---|\n',
  );
  const training: string[] = [];
  const byKind: string[] = [];
  for (const platform of REFERENCE_PLATFORMS) {
    if (only && platform.slug !== only) continue;
    const set = await referenceTrainingSet(platform.csvPlatform);
    const lomo = new Map<PredictorMode, number>();
    let sharedPerModel: ModelEvaluation[] | null = null;
    for (const mode of modes)
      for (const target of targets) {
        const t = Date.now();
        const m = await evaluateMlp(
          set.heldOut,
          set.rows,
          mode,
          o,
          arg('correction') === 'off' ? [] : arg('correction') === 'heldout' ? set.heldOut : set.wholeModels,
          () => {},
          trainOptionsFor(target),
        );
        const seconds = (Date.now() - t) / 1000;
        lomo.set(mode, (lomo.get(mode) ?? 0) + seconds);
        process.stdout.write(`${row(platform.slug, `MLP ${mode}, ${target}`, m.metrics, seconds)}\n`);
        if (mode === 'shared') sharedPerModel = m.perModel;
      }
    const t = Date.now();
    const forest: Record<string, number> = {};
    for (const k of ['trees', 'maxDepth', 'minLeaf', 'maxFeatures'])
      if (arg(k) !== undefined) forest[k] = Number(arg(k));
    const b = await evaluateBaselines(set.heldOut, set.rows, o.seed, forest);
    const s = (Date.now() - t) / 1000;
    process.stdout.write(`${row(platform.slug, 'Neurosurgeon (linear)', b.neurosurgeon, s)}\n`);
    process.stdout.write(`${row(platform.slug, 'nn-Meter (RF)', b.nnMeter, s)}\n`);
    if (arg('by-kind') !== undefined && sharedPerModel) {
      const forestPerModel = (await leaveOneModelOut(set.heldOut, set.rows, (r) => trainNnMeter(r, o.seed))).perModel;
      byKind.push(...kindRows(platform.slug, sharedPerModel, forestPerModel, Number(arg('by-kind')) || 12));
    }
    // What `npm run train:reference` spends on this platform: the served (shared) MLP's leave-one-model-out,
    // the baselines' leave-one-model-out and the final fit on every row.
    if (lomo.has('shared')) {
      const f = Date.now();
      await trainPredictor(set.rows, 'shared', o, set.wholeModels);
      const fit = (Date.now() - f) / 1000;
      training.push(
        `${platform.slug}: ${((lomo.get('shared') ?? 0) + s + fit).toFixed(1)} s (final fit ${fit.toFixed(1)} s)`,
      );
    }
  }
  if (byKind.length) {
    process.stdout.write(
      '\nper node kind, largest share of measured time first (leave-one-model-out; ratio = median predicted / measured)\n\n' +
        '| platform | kind | nodes | time share | MLP MAPE | MLP time-weighted | MLP ratio | RF MAPE | RF time-weighted | RF ratio |\n' +
        '|---|---|---|---|---|---|---|---|---|---|\n' +
        byKind.join('\n') +
        '\n',
    );
  }
  if (training.length) process.stdout.write(`\ntraining time per platform (shared MLP): ${training.join(', ')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
