/**
 * Loads the deployed (`all`) kernel cost model of a reference platform from data/reference/predictors.
 * INTERIM: the fitted models and their evaluation land with src/kernels' cost model; until then no platform has
 * one, so `all` is offered nowhere and every platform answers per node (`disabled`).
 */
import type { DeployedLatencyModel } from './predictor-registry';

export function loadDeployedModel(slug: string): DeployedLatencyModel | null {
  void slug;
  return null;
}
