import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LruCache } from '../common/lru-cache';
import { ModelsService } from '../models/models.service';
import type { NodeFeatures } from '../onnx/types';
import { PlatformEntity } from '../platforms/entities/platform.entity';
import { NodeLatencies, PredictionsService } from '../predictions/predictions.service';
import { PredictorRegistry } from '../predictions/predictor-registry';

/**
 * What planning needs from the rest of the service, cached so that re-planning the same model under another
 * network re-reads neither the graph nor the predictors: features per model (immutable once stored), latencies
 * per (model, platform, scale, active predictor, measurements of that model). The last two are read from the
 * database for every plan, so what another process measured or trained is used by the next plan here.
 */
@Injectable()
export class PlanInputsService {
  private readonly features = new LruCache<string, NodeFeatures[]>(64);
  private readonly latencies = new LruCache<string, NodeLatencies>(256);

  constructor(
    private readonly dataSource: DataSource,
    private readonly models: ModelsService,
    private readonly predictions: PredictionsService,
    private readonly predictors: PredictorRegistry,
  ) {}

  featuresOf(modelId: string): Promise<NodeFeatures[]> {
    return this.features.getOrCreate(modelId, () => this.models.features(modelId));
  }

  async latenciesOf(platform: PlatformEntity, modelId: string): Promise<NodeLatencies> {
    const [measurements, predictor] = await Promise.all([
      this.measurementsVersion(modelId),
      this.predictors.activeVersion(platform),
    ]);
    const key = `${modelId}|${platform.id}|${platform.scale ?? ''}|${predictor}|${measurements}`;
    const features = await this.featuresOf(modelId);
    return this.latencies.getOrCreate(key, () => this.predictions.latencies(platform, modelId, features));
  }

  /** Changes whenever a measurement of this model is added or replaced, on any platform (a base of a derived one too). */
  private async measurementsVersion(modelId: string): Promise<string> {
    const [row] = await this.dataSource.query(
      'SELECT count(*)::int AS n, max(created_at) AS latest FROM measurements WHERE model_id = $1',
      [modelId],
    );
    return `${row.n}@${row.latest ? new Date(row.latest).getTime() : 0}`;
  }
}
