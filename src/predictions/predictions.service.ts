import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ModelsService } from '../models/models.service';
import type { NodeFeatures } from '../onnx/types';
import { MeasurementEntity } from '../platforms/entities/measurement.entity';
import { PlatformEntity } from '../platforms/entities/platform.entity';
import { PlatformDirectory } from '../platforms/platform-directory';
import { LatencySource, PredictionDto } from './predictions.dto';
import { PredictionsError, PredictionsErrorCode } from './predictions.error';
import { PredictorRegistry } from './predictor-registry';

export interface NodeLatencies {
  latencyUs: Float64Array;
  sources: LatencySource[];
  predictorId: string | null;
}

/**
 * Per-node latency of a model on a platform: a measurement of the same model, node and platform wins; constant
 * nodes are folded (0 µs); the rest comes from the platform's predictor, or, for a derived platform, from its
 * base platform × scale.
 */
@Injectable()
export class PredictionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly models: ModelsService,
    private readonly platforms: PlatformDirectory,
    private readonly registry: PredictorRegistry,
  ) {}

  async predict(tenantId: string, modelId: string, slug: string): Promise<PredictionDto> {
    const platform = await this.platforms.resolve(tenantId, slug);
    const model = await this.models.findUsable(tenantId, modelId);
    const features = await this.models.features(model.id);
    const result = await this.latencies(platform, model.id, features);
    const nodes = features.map((f, i) => ({
      name: f.name,
      opType: f.opType,
      latencyUs: result.latencyUs[i],
      source: result.sources[i],
    }));
    const totalMs = nodes.reduce((sum, n) => sum + n.latencyUs, 0) / 1000;
    return { platform: platform.slug, predictorId: result.predictorId, totalMs, nodes };
  }

  /** Whole-model latency (sum of node latencies) of a usable model on a platform, in ms. */
  async totalMs(tenantId: string, modelId: string, platform: PlatformEntity): Promise<number> {
    const model = await this.models.findUsable(tenantId, modelId);
    const result = await this.latencies(platform, model.id, await this.models.features(model.id));
    return result.latencyUs.reduce((sum, us) => sum + us, 0) / 1000;
  }

  async latencies(platform: PlatformEntity, modelId: string, features: NodeFeatures[]): Promise<NodeLatencies> {
    const measured = await this.measured(platform.id, modelId);
    const latencyUs = new Float64Array(features.length);
    const sources: LatencySource[] = features.map((f) =>
      f.isConstant ? 'constant' : measured.has(f.index) ? 'measured' : 'predicted',
    );
    const toPredict = features.filter((_, i) => sources[i] === 'predicted');
    let predictorId: string | null = null;
    if (toPredict.length > 0) {
      const predicted = await this.predicted(platform, modelId, features);
      predictorId = predicted.predictorId;
      features.forEach((_, i) => (latencyUs[i] = predicted.latencyUs[i]));
    }
    features.forEach((f, i) => {
      if (sources[i] === 'measured') latencyUs[i] = measured.get(f.index)!;
      if (sources[i] === 'constant') latencyUs[i] = 0;
    });
    return { latencyUs, sources, predictorId };
  }

  private async predicted(
    platform: PlatformEntity,
    modelId: string,
    features: NodeFeatures[],
  ): Promise<{ latencyUs: Float64Array; predictorId: string }> {
    if (platform.derivedFromId !== null && platform.scale !== null) {
      const base = await this.dataSource.getRepository(PlatformEntity).findOneByOrFail({ id: platform.derivedFromId });
      const fromBase = await this.latencies(base, modelId, features);
      return {
        latencyUs: fromBase.latencyUs.map((us) => us * platform.scale!),
        predictorId: `${fromBase.predictorId ?? base.slug}×${platform.scale}`,
      };
    }
    const predictor = await this.registry.forPlatform(platform);
    if (!predictor) {
      throw new PredictionsError(
        PredictionsErrorCode.NO_PREDICTOR,
        `platform '${platform.slug}' has no predictor and not every node of this model is measured on it: ` +
          `train one (POST /v1/platforms/${platform.slug}/predictors) or measure the missing nodes`,
      );
    }
    return { latencyUs: await predictor.predict(features), predictorId: predictor.artifact.id };
  }

  /**
   * Measurements of this model on the platform, and those of a reference model with the same architecture
   * fingerprint (the same graph, node for node in the same order: an upload of a reference architecture, with or
   * without its weights). The model's own measurement of a node wins over its twin's.
   */
  private async measured(platformId: string, modelId: string): Promise<Map<number, number>> {
    const twin: { node_idx: number; median_us: number }[] = await this.dataSource.query(
      `SELECT m.node_idx, m.median_us FROM measurements m
         JOIN models twin ON twin.id = m.model_id
         JOIN models own ON own.id = $2
        WHERE m.platform_id = $1 AND twin.tenant_id IS NULL AND twin.id <> own.id
          AND twin.fingerprint = own.fingerprint AND twin.node_count = own.node_count`,
      [platformId, modelId],
    );
    const rows = await this.dataSource
      .getRepository(MeasurementEntity)
      .find({ where: { platformId, modelId }, select: { nodeIdx: true, medianUs: true } });
    return new Map([
      ...twin.map((r) => [r.node_idx, r.median_us] as const),
      ...rows.map((r) => [r.nodeIdx, r.medianUs] as const),
    ]);
  }
}
