/**
 * The deployed-latency training set of a reference CPU: the 39 models measured in-model (8 reference models,
 * 31 generated), each with its per-node `disable_all` times, its kernels, and its whole-model `enable_all` and
 * `disable_all` times. Shared by scripts/fit-deployed.ts and bench/deployed.
 */
import { join } from 'node:path';
import { groupKernels } from '../../kernels/group-kernels';
import { DEFAULT_NCHWC_BLOCK, KernelGrouping } from '../../kernels/types';
import type { IngestedModel } from '../../onnx/ingest';
import { loadPredictor } from '../../predictors/predictor-runtime';
import { CsvPlatform, loadReferenceGraph, loadReferenceMeasurements, REFERENCE_DIR } from './reference-data';

export interface DeployedModelRow {
  model: string;
  ingested: IngestedModel;
  grouping: KernelGrouping;
  /** Per node: measured disabled µs where measured, else the stored predictor's (constant nodes 0). */
  disabledNodeUs: Float64Array;
  /** Non-constant nodes with no measurement. */
  unmeasured: number;
  enableAllUs: number;
  disableAllUs: number;
}

export const DEPLOYED_PLATFORMS: readonly { slug: string; csv: CsvPlatform }[] = [
  { slug: 'ref-cpu1', csv: 'cpu1' },
  { slug: 'ref-cpu16', csv: 'cpu16' },
];

/**
 * `nodeTimes: 'predicted'` uses the stored predictor for every node (what an unseen model gets); note the stored
 * predictors were trained on these 39 models, so those predictions are in-sample.
 */
export async function deployedSet(
  platform: { slug: string; csv: CsvPlatform },
  nchwcBlockSize = DEFAULT_NCHWC_BLOCK,
  nodeTimes: 'measured' | 'predicted' = 'measured',
): Promise<DeployedModelRow[]> {
  const m = await loadReferenceMeasurements(platform.csv);
  const measured = new Map(m.nodes.map((n) => [`${n.model}|${n.node}`, n.medianUs]));
  const predictor = loadPredictor(join(REFERENCE_DIR, 'predictors'), platform.slug);
  const rows: DeployedModelRow[] = [];
  for (const graph of m.graphs) {
    if (graph.set === 'sweep') continue;
    const whole = (opt: string) => m.wholeModel.find((w) => w.model === graph.model && w.graphOpt === opt)?.medianMs;
    const enable = whole('enable_all');
    const disable = whole('disable_all');
    if (enable === undefined || disable === undefined) continue;
    const ingested = await loadReferenceGraph(graph);
    const { features, summary } = ingested;
    const predicted = await predictor.predict(features);
    let unmeasured = 0;
    const disabledNodeUs = Float64Array.from(features, (f, i) => {
      if (f.isConstant) return 0;
      const us = nodeTimes === 'measured' ? measured.get(`${graph.model}|${f.name}`) : undefined;
      if (us !== undefined) return us;
      unmeasured++;
      return predicted[i];
    });
    const grouping = groupKernels(
      features,
      { inputs: summary.inputs.map((i) => i.name), outputs: summary.outputs.map((o) => o.name) },
      { nchwcBlockSize },
    );
    rows.push({
      model: graph.model,
      ingested,
      grouping,
      disabledNodeUs,
      unmeasured,
      enableAllUs: enable * 1000,
      disableAllUs: disable * 1000,
    });
  }
  return rows;
}
