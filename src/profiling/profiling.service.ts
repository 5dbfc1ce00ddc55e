import { availableParallelism } from 'node:os';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/env.schema';
import { JobQueue } from '../jobs/job-queue';
import { JobContext, JobOutcome } from '../jobs/job-runner';
import { JobAcceptedDto, JobKind } from '../jobs/jobs.dto';
import { JobFailure } from '../jobs/jobs.error';
import { JobsService } from '../jobs/jobs.service';
import { ModelInitializerEntity } from '../models/entities/model-initializer.entity';
import { ModelNodeEntity } from '../models/entities/model-node.entity';
import { ModelEntity } from '../models/entities/model.entity';
import { ModelsService } from '../models/models.service';
import { PlatformEntity } from '../platforms/entities/platform.entity';
import { upsertMeasurements, upsertWholeModel } from '../platforms/measurement-writes';
import { PlatformDirectory } from '../platforms/platform-directory';
import { describeHost } from './host-info';
import { partsFromStored } from './model-parts';
import { ProfileError, profileModel, ProfileResult } from './profile-run';
import { ProfileRequestDto } from './profiling.dto';
import { ProfilingError, ProfilingErrorCode } from './profiling.error';
import { RebuildError, rebuildModel } from './rebuild-model';

export const PROFILE_JOB: JobKind = 'profile';

export interface ProfileParams extends Record<string, unknown> {
  platformId: string;
  platform: string;
  modelId: string;
  runs: number;
  warmup: number;
  /** Null: the available parallelism of whichever worker runs the job (not of the API that took the request). */
  threads: number | null;
}

const LISTED = 20;
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

/**
 * Self-profiling: measures a stored model on this host with onnxruntime-node, as a job. The request checks what
 * it can up front (a 4xx beats a failed job); the job rebuilds the model with synthesised weights, profiles it and
 * stores per-node and whole-model measurements in the transaction that marks it done.
 */
@Injectable()
export class ProfilingService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: PlatformDirectory,
    private readonly models: ModelsService,
    private readonly jobs: JobsService,
    private readonly queue: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // One profile at a time per process: two at once would time each other.
    this.queue.register<ProfileParams>(PROFILE_JOB, (ctx) => this.run(ctx), { concurrency: 1 });
  }

  async request(tenantId: string, slug: string, dto: ProfileRequestDto): Promise<JobAcceptedDto> {
    const platform = await this.directory.resolve(tenantId, slug);
    if (platform.tenantId === null) {
      throw new ProfilingError(
        ProfilingErrorCode.REFERENCE_PLATFORM,
        `reference platform '${slug}' is read-only: register this host as a platform of your own ` +
          '(GET /v1/platforms/host describes it) and profile on that',
      );
    }
    if (platform.derivedFromId !== null) {
      throw new ProfilingError(
        ProfilingErrorCode.DERIVED_PLATFORM,
        `'${slug}' is derived from another platform (its base, scaled): profile a platform of its own`,
      );
    }
    const model = await this.models.findUsable(tenantId, dto.modelId);
    if (model.irVersion === null || model.opsetImports === null) {
      throw new ProfilingError(
        ProfilingErrorCode.MODEL_NOT_REBUILDABLE,
        `model ${model.id} was stored before graph parts were kept: upload it again to profile it`,
      );
    }
    const params: ProfileParams = {
      platformId: platform.id,
      platform: slug,
      modelId: model.id,
      runs: dto.runs,
      warmup: dto.warmup,
      threads: dto.threads ?? null,
    };
    return this.jobs.enqueue(tenantId, PROFILE_JOB, params);
  }

  private async run(ctx: JobContext<ProfileParams>): Promise<JobOutcome> {
    const { platformId, modelId, runs, warmup } = ctx.params;
    const threads = ctx.params.threads ?? availableParallelism();
    const [model, platform] = await Promise.all([
      this.dataSource.getRepository(ModelEntity).findOneBy({ id: modelId }),
      this.dataSource.getRepository(PlatformEntity).findOneBy({ id: platformId }),
    ]);
    if (!model) throw new JobFailure(`model ${modelId} was deleted before it could be profiled`);
    if (!platform) throw new JobFailure(`platform '${ctx.params.platform}' was deleted before the profile ran`);
    ctx.progress(0, 'rebuilding the model with synthesised weights');
    const nodes = await this.dataSource
      .getRepository(ModelNodeEntity)
      .find({ where: { modelId }, order: { idx: 'ASC' } });
    const initializers = await this.dataSource.getRepository(ModelInitializerEntity).findBy({ modelId });
    let bytes: Uint8Array;
    try {
      bytes = rebuildModel(partsFromStored(model, nodes, initializers), {
        limits: { maxSynthBytes: this.config.PROFILE_MAX_SYNTH_BYTES, maxNodes: this.config.PROFILE_MAX_NODES },
      });
    } catch (e) {
      if (e instanceof RebuildError) throw new JobFailure(`cannot rebuild the model: ${e.message}`);
      throw e;
    }
    let profile: ProfileResult;
    try {
      profile = await profileModel(bytes, {
        runs,
        warmup,
        threads,
        onProgress: (done, total) =>
          ctx.progress(0.05 + (0.9 * done) / total, `run ${done} of ${total}${done <= warmup ? ' (warm-up)' : ''}`),
      });
    } catch (e) {
      if (e instanceof ProfileError) throw new JobFailure(e.message);
      throw e;
    }
    return this.outcome(ctx, nodes, profile, threads);
  }

  private outcome(
    ctx: JobContext<ProfileParams>,
    nodes: ModelNodeEntity[],
    profile: ProfileResult,
    threads: number,
  ): JobOutcome {
    const { platformId, modelId } = ctx.params;
    const indexOf = new Map(nodes.map((n) => [n.name, n.idx]));
    const matched = profile.nodes.filter((p) => indexOf.has(p.node));
    if (matched.length === 0) throw new JobFailure('no node in the ONNX Runtime profile matched a node of the model');
    const profiled = new Set(matched.map((p) => p.node));
    const notRun = nodes.filter((n) => !profiled.has(n.name)).map((n) => n.name);
    const sumOfNodeMediansMs = sum(matched.map((p) => p.medianUs)) / 1000;
    const whole = profile.wholeModelMs;
    const result = {
      platform: ctx.params.platform,
      modelId,
      runs: profile.runs,
      warmup: ctx.params.warmup,
      threads,
      host: describeHost().cpuModel,
      nodesMeasured: matched.length,
      nodesNotRun: notRun.length,
      nodesNotRunSample: notRun.slice(0, LISTED),
      wholeModelMs: whole,
      sumOfNodeMediansMs,
      // > 1: the profiler's per-node overhead; < 1: time between kernels the node events do not cover.
      sumOverWhole: sumOfNodeMediansMs / whole.median,
    };
    return {
      result,
      write: async (em) => {
        await upsertMeasurements(
          em,
          matched.map((p) => ({
            platformId,
            modelId,
            nodeIdx: indexOf.get(p.node)!,
            nodeName: p.node,
            medianUs: p.medianUs,
            p10Us: p.p10Us,
            p90Us: p.p90Us,
            runs: p.runs,
            source: 'self-profile' as const,
            jobId: ctx.id,
          })),
        );
        await upsertWholeModel(em, {
          platformId,
          modelId,
          medianMs: whole.median,
          p10Ms: whole.p10,
          p90Ms: whole.p90,
          runs: profile.runs,
          source: 'self-profile',
          jobId: ctx.id,
        });
      },
    };
  }
}
