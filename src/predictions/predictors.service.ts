import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ModelsService } from '../models/models.service';
import { MeasurementEntity } from '../platforms/entities/measurement.entity';
import { PlatformEntity } from '../platforms/entities/platform.entity';
import { PlatformDirectory } from '../platforms/platform-directory';
import type { HeldOutModel, Metrics } from '../predictors/metrics';
import type { TrainRow } from '../predictors/predictor';
import type { PredictorArtifact } from '../predictors/predictor-runtime';
import { trainArtifact } from '../predictors/train-artifact';
import { PredictorEntity, PredictorNetworkEntity } from './entities/predictor.entity';
import { PredictionsError, PredictionsErrorCode } from './predictions.error';
import { PredictorRegistry } from './predictor-registry';
import { PredictorDto, PredictorMetricsDto } from './predictors.dto';

/** Trains a platform's predictor from its measurements (inside the request until the jobs issue lands). */
@Injectable()
export class PredictorsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: PlatformDirectory,
    private readonly models: ModelsService,
    private readonly registry: PredictorRegistry,
  ) {}

  async train(tenantId: string, slug: string): Promise<PredictorDto> {
    const platform = await this.directory.resolveWritable(tenantId, slug);
    if (platform.derivedFromId !== null) {
      throw new PredictionsError(
        PredictionsErrorCode.DERIVED_PLATFORM,
        `'${slug}' is derived from another platform: it predicts from its base, it is not trained`,
      );
    }
    const { rows, heldOut } = await this.trainingSet(platform);
    if (rows.length === 0) {
      throw new PredictionsError(
        PredictionsErrorCode.NO_MEASUREMENTS,
        `platform '${slug}' has no measurements to train on: POST /v1/platforms/${slug}/measurements first`,
      );
    }
    const id = randomUUID();
    const trained = await trainArtifact({ id, slug, rows, heldOut, sets: ['measurements'] });
    const row = await this.dataSource.transaction(async (em) => {
      const saved = await em.save(PredictorEntity, { id, platformId: platform.id, artifact: trained.artifact });
      for (const [file, onnx] of Object.entries(trained.networks)) {
        await em.insert(PredictorNetworkEntity, { predictorId: id, file, onnx: Buffer.from(onnx) });
      }
      return saved;
    });
    return toDto(row.artifact, slug, true, row.createdAt);
  }

  async list(tenantId: string, slug: string): Promise<PredictorDto[]> {
    const platform = await this.directory.resolve(tenantId, slug);
    if (platform.tenantId === null) {
      const artifact = this.registry.referenceArtifact(slug);
      return artifact ? [toDto(artifact, slug, true, null)] : [];
    }
    const rows = await this.dataSource
      .getRepository(PredictorEntity)
      .find({ where: { platformId: platform.id }, order: { createdAt: 'DESC' } });
    return rows.map((r, i) => toDto(r.artifact, slug, i === 0, r.createdAt));
  }

  /** Every measured, non-constant node of the tenant's models on this platform, with its features. */
  private async trainingSet(platform: PlatformEntity): Promise<{ rows: TrainRow[]; heldOut: HeldOutModel[] }> {
    const measurements = await this.dataSource
      .getRepository(MeasurementEntity)
      .find({ where: { platformId: platform.id }, order: { modelId: 'ASC', nodeIdx: 'ASC' } });
    const rows: TrainRow[] = [];
    const heldOut: HeldOutModel[] = [];
    for (const modelId of new Set(measurements.map((m) => m.modelId))) {
      const features = await this.models.features(modelId);
      heldOut.push({ model: modelId, features });
      for (const m of measurements) {
        const f = m.modelId === modelId ? features[m.nodeIdx] : undefined;
        if (f && !f.isConstant) rows.push({ model: modelId, features: f, us: m.medianUs });
      }
    }
    return { rows, heldOut };
  }
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

function toDto(artifact: PredictorArtifact, slug: string, active: boolean, createdAt: Date | null): PredictorDto {
  const metrics = Object.fromEntries(
    Object.entries(artifact.metrics).map(([name, m]: [string, Metrics]): [string, PredictorMetricsDto] => [
      name,
      { ...m, modelError: finiteOrNull(m.modelError) },
    ]),
  );
  return {
    id: artifact.id,
    platform: slug,
    active,
    mode: artifact.mode,
    samples: artifact.samples as Record<string, number>,
    metrics,
    training: artifact.training as unknown as Record<string, unknown>,
    createdAt,
  };
}
