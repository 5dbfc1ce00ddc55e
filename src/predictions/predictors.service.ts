import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ModelsService } from '../models/models.service';
import { MeasurementEntity } from '../platforms/entities/measurement.entity';
import { WholeModelMeasurementEntity } from '../platforms/entities/whole-model-measurement.entity';
import { JobQueue } from '../jobs/job-queue';
import { JobContext, JobOutcome } from '../jobs/job-runner';
import { JobAcceptedDto, JobKind } from '../jobs/jobs.dto';
import { JobFailure } from '../jobs/jobs.error';
import { JobsService } from '../jobs/jobs.service';
import { PlatformDirectory } from '../platforms/platform-directory';
import type { HeldOutModel, Metrics } from '../predictors/metrics';
import type { TrainRow } from '../predictors/predictor';
import type { PredictorArtifact } from '../predictors/predictor-runtime';
import { trainArtifact } from '../predictors/train-artifact';
import { PredictorEntity, PredictorNetworkEntity } from './entities/predictor.entity';
import { PredictionsError, PredictionsErrorCode } from './predictions.error';
import { PredictorRegistry } from './predictor-registry';
import { PredictorDto, PredictorMetricsDto } from './predictors.dto';

export const TRAIN_JOB: JobKind = 'train-predictor';

export interface TrainParams extends Record<string, unknown> {
  platformId: string;
  platform: string;
}

/**
 * Trains a platform's predictor from its measurements, as a job: minutes for many models, with progress per
 * leave-one-model-out fold. The predictor (id = the job's id) becomes the platform's active one when it succeeds.
 */
@Injectable()
export class PredictorsService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: PlatformDirectory,
    private readonly models: ModelsService,
    private readonly registry: PredictorRegistry,
    private readonly jobs: JobsService,
    private readonly queue: JobQueue,
  ) {}

  onModuleInit(): void {
    this.queue.register<TrainParams>(TRAIN_JOB, (ctx) => this.run(ctx));
  }

  async request(tenantId: string, slug: string): Promise<JobAcceptedDto> {
    const platform = await this.directory.resolveWritable(tenantId, slug);
    if (platform.derivedFromId !== null) {
      throw new PredictionsError(
        PredictionsErrorCode.DERIVED_PLATFORM,
        `'${slug}' is derived from another platform: it predicts from its base, it is not trained`,
      );
    }
    const measured = await this.dataSource.getRepository(MeasurementEntity).existsBy({ platformId: platform.id });
    if (!measured) {
      throw new PredictionsError(
        PredictionsErrorCode.NO_MEASUREMENTS,
        `platform '${slug}' has no measurements to train on: POST /v1/platforms/${slug}/measurements ` +
          `or /v1/platforms/${slug}/profile first`,
      );
    }
    const params: TrainParams = { platformId: platform.id, platform: slug };
    return this.jobs.enqueue(tenantId, TRAIN_JOB, params);
  }

  private async run(ctx: JobContext<TrainParams>): Promise<JobOutcome> {
    const { platformId, platform: slug } = ctx.params;
    ctx.progress(0, 'loading measurements');
    const { rows, heldOut } = await this.trainingSet(platformId);
    if (rows.length === 0) throw new JobFailure(`platform '${slug}' has no measured nodes left to train on`);
    const trained = await trainArtifact({
      id: ctx.id,
      slug,
      rows,
      heldOut,
      sets: ['measurements'],
      onProgress: (fraction, step) => ctx.progress(fraction, step),
    });
    const { artifact } = trained;
    const result = {
      predictorId: ctx.id,
      platform: slug,
      rows: rows.length,
      models: heldOut.length,
      target: artifact.training.target,
      metrics: toDto(artifact, slug, true, null).metrics,
    };
    return {
      result,
      write: async (em) => {
        await em.insert(PredictorEntity, { id: ctx.id, platformId, artifact });
        for (const [file, onnx] of Object.entries(trained.networks)) {
          await em.insert(PredictorNetworkEntity, { predictorId: ctx.id, file, onnx: Buffer.from(onnx) });
        }
      },
    };
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
  private async trainingSet(platformId: string): Promise<{ rows: TrainRow[]; heldOut: HeldOutModel[] }> {
    const measurements = await this.dataSource
      .getRepository(MeasurementEntity)
      .find({ where: { platformId }, order: { modelId: 'ASC', nodeIdx: 'ASC' } });
    const wholeRows = await this.dataSource.getRepository(WholeModelMeasurementEntity).findBy({ platformId });
    const wholeMs = new Map(wholeRows.map((w) => [w.modelId, w.medianMs]));
    const rows: TrainRow[] = [];
    const heldOut: HeldOutModel[] = [];
    for (const modelId of new Set(measurements.map((m) => m.modelId))) {
      const features = await this.models.features(modelId);
      const whole = wholeMs.get(modelId);
      // The whole-model time (self-profiles record it) teaches the correction from node sums to model latency.
      heldOut.push({ model: modelId, features, ...(whole !== undefined ? { wholeUs: whole * 1000 } : {}) });
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
