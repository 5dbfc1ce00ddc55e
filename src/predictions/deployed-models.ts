/**
 * Loads the deployed (`all`) kernel cost model of a reference platform, fitted by src/kernels' deployed-cost to
 * the whole-model `enable_all` times and stored as data/reference/predictors/<slug>.deployed.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeployedCostModel, deployedKernelLatencies } from '../kernels/deployed-cost';
import { REFERENCE_DIR } from '../platforms/reference/reference-data';
import type { KernelGrouping } from '../kernels';
import type { NodeFeatures } from '../onnx/types';

/**
 * What turns a model's per-node (`disabled`) latencies into the latencies of the kernels ONNX Runtime runs at
 * `all`, for one platform: the fitted kernel cost model stored beside its predictor.
 */
export interface DeployedLatencyModel {
  id: string;
  /** The NCHWc block the platform's kernels were grouped with (it decides where ORT puts reorders). */
  nchwcBlockSize: number;
  kernelLatencies(grouping: KernelGrouping, features: NodeFeatures[], disabledNodeUs: Float64Array): Float64Array;
}

export function loadDeployedModel(slug: string): DeployedLatencyModel | null {
  const file = join(REFERENCE_DIR, 'predictors', `${slug}.deployed.json`);
  if (!existsSync(file)) return null;
  const model = JSON.parse(readFileSync(file, 'utf8')) as DeployedCostModel;
  return {
    id: `${slug}.deployed.v${model.version}`,
    nchwcBlockSize: model.nchwcBlockSize,
    kernelLatencies: (grouping, features, disabledNodeUs) =>
      deployedKernelLatencies(model, grouping, features, disabledNodeUs),
  };
}
