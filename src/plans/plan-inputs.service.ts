import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LruCache } from '../common/lru-cache';
import { groupKernels, KernelGrouping } from '../kernels';
import { ModelsService } from '../models/models.service';
import type { NodeFeatures } from '../onnx/types';
import { PlatformEntity } from '../platforms/entities/platform.entity';
import { GroupingRef, nodeKernels } from '../predictions/kernel-latencies';
import { ModelGraph, PredictionsService, RuntimeLatencies, RuntimeMode } from '../predictions/predictions.service';
import { PredictorRegistry } from '../predictions/predictor-registry';

/**
 * What planning needs from the rest of the service, cached so that re-planning the same model under another
 * network re-reads neither the graph nor the predictors: features and kernel groupings per model (immutable once
 * stored), latencies per (model, platform, scale, runtime mode, active predictor, measurements of that model). The
 * last two are read from the database for every plan, so what another process measured or trained is used by the
 * next plan here.
 */
@Injectable()
export class PlanInputsService {
  private readonly features = new LruCache<string, NodeFeatures[]>(64);
  private readonly groupings = new LruCache<string, KernelGrouping>(64);
  private readonly latencies = new LruCache<string, RuntimeLatencies>(256);

  constructor(
    private readonly dataSource: DataSource,
    private readonly models: ModelsService,
    private readonly predictions: PredictionsService,
    private readonly predictors: PredictorRegistry,
  ) {}

  featuresOf(modelId: string): Promise<NodeFeatures[]> {
    return this.features.getOrCreate(modelId, () => this.models.features(modelId));
  }

  /** The kernels ONNX Runtime runs at `all` on a CPU whose NCHWc block is `nchwcBlockSize`. */
  async kernelsOf(graph: ModelGraph, nchwcBlockSize: number): Promise<KernelGrouping> {
    const features = await this.featuresOf(graph.id);
    return this.groupings.getOrCreate(`${graph.id}|${nchwcBlockSize}`, async () =>
      groupKernels(features, graph, { nchwcBlockSize }),
    );
  }

  /** Latencies in one mode: kernels at `all`, one kernel per node otherwise. */
  async latenciesOf(platform: PlatformEntity, graph: ModelGraph, mode: RuntimeMode): Promise<RuntimeLatencies> {
    const [version, predictor] = await Promise.all([
      this.measurementsVersion(graph.id),
      this.predictors.activeVersion(platform),
    ]);
    const key = [
      graph.id,
      platform.id,
      platform.scale ?? '',
      mode.runtime,
      mode.graphOptimization,
      predictor,
      version,
    ].join('|');
    const features = await this.featuresOf(graph.id);
    const grouping: GroupingRef =
      mode.graphOptimization === 'all'
        ? await this.kernelsOf(graph, await this.predictions.nchwcBlockSize(platform))
        : nodeKernels(features);
    return this.latencies.getOrCreate(key, () =>
      this.predictions.runtimeLatencies(platform, graph, features, mode, grouping),
    );
  }

  /**
   * Changes whenever a measurement of this model (or of its reference twin: a reference model with the same
   * fingerprint lends its measurements), per node or per kernel, is added or replaced, on any platform.
   */
  private async measurementsVersion(modelId: string): Promise<string> {
    const [row] = await this.dataSource.query(
      `WITH ids AS (
         SELECT $1::uuid AS id
         UNION SELECT twin.id FROM models twin JOIN models own ON own.id = $1
          WHERE twin.tenant_id IS NULL AND twin.fingerprint = own.fingerprint)
       SELECT (SELECT count(*)::int FROM measurements WHERE model_id IN (SELECT id FROM ids)) AS n,
              (SELECT max(created_at) FROM measurements WHERE model_id IN (SELECT id FROM ids)) AS latest,
              (SELECT count(*)::int FROM kernel_measurements WHERE model_id = $1) AS kn,
              (SELECT max(created_at) FROM kernel_measurements WHERE model_id = $1) AS klatest`,
      [modelId],
    );
    const time = (t: unknown): number => (t ? new Date(t as string).getTime() : 0);
    return `${row.n}@${time(row.latest)}/${row.kn}@${time(row.klatest)}`;
  }
}
