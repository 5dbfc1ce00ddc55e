import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LruCache } from '../common/lru-cache';
import { ModelsService } from '../models/models.service';
import type { NodeFeatures } from '../onnx/types';
import { PlatformEntity } from '../platforms/entities/platform.entity';
import { NodeLatencies, PredictionsService } from '../predictions/predictions.service';

/**
 * What planning needs from the rest of the service, cached so that re-planning the same model under another
 * network re-reads neither the graph nor the predictors: features per model (immutable once stored), latencies
 * per (model, platform, predictor, measurements of that model).
 */
@Injectable()
export class PlanInputsService {
  private readonly features = new LruCache<string, NodeFeatures[]>(64);
  private readonly latencies = new LruCache<string, NodeLatencies>(256);

  constructor(
    private readonly dataSource: DataSource,
    private readonly models: ModelsService,
    private readonly predictions: PredictionsService,
  ) {}

  featuresOf(modelId: string): Promise<NodeFeatures[]> {
    return this.features.getOrCreate(modelId, () => this.models.features(modelId));
  }

  async latenciesOf(platform: PlatformEntity, modelId: string): Promise<NodeLatencies> {
    const key = `${modelId}|${platform.id}|${platform.scale ?? ''}|${await this.measurementsVersion(modelId)}`;
    const features = await this.featuresOf(modelId);
    return this.latencies.getOrCreate(key, () => this.predictions.latencies(platform, modelId, features));
  }

  /** Changes whenever a measurement of this model (or its reference twin) is added or replaced, on any platform. */
  private async measurementsVersion(modelId: string): Promise<string> {
    const [row] = await this.dataSource.query(
      // A reference model with the same fingerprint lends its measurements (PredictionsService): count them too.
      `SELECT count(*)::int AS n, max(created_at) AS latest FROM measurements
        WHERE model_id = $1 OR model_id IN (
          SELECT twin.id FROM models twin JOIN models own ON own.id = $1
           WHERE twin.tenant_id IS NULL AND twin.fingerprint = own.fingerprint)`,
      [modelId],
    );
    return `${row.n}@${row.latest ? new Date(row.latest).getTime() : 0}`;
  }
}
