import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, QueryDeepPartialEntity } from 'typeorm';
import type { Page } from '../common/pagination';
import { QuotaService } from '../limits/quota.service';
import { JobEntity } from './entities/job.entity';
import { JobQueue } from './job-queue';
import { JobRunner } from './job-runner';
import { JobAcceptedDto, JobDto, JobListQueryDto } from './jobs.dto';
import { JobsError, JobsErrorCode } from './jobs.error';

@Injectable()
export class JobsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: JobQueue,
    private readonly runner: JobRunner,
    private readonly quotas: QuotaService,
  ) {}

  /** Creates the job's row and its queue entry in one transaction. */
  async enqueue(tenantId: string, kind: string, params: Record<string, unknown>): Promise<JobAcceptedDto> {
    const id = randomUUID();
    const job = await this.dataSource.transaction(async (em) => {
      await this.quotas.assertJobFits(em, tenantId);
      await em.insert(JobEntity, {
        id,
        tenantId,
        kind,
        state: 'queued',
        progress: 0,
        message: 'waiting for a worker',
        params: params as QueryDeepPartialEntity<JobEntity>['params'],
        attempts: 0,
      });
      await this.queue.send(em, kind, id);
      return em.findOneByOrFail(JobEntity, { id });
    });
    return { jobId: id, job: toJobDto(job) };
  }

  async get(tenantId: string, id: string): Promise<JobDto> {
    const job = await this.dataSource.getRepository(JobEntity).findOneBy({ id, tenantId });
    if (!job) throw new JobsError(JobsErrorCode.JOB_NOT_FOUND, `job ${id} not found`);
    return toJobDto(await this.reconciled(job));
  }

  async list(tenantId: string, query: JobListQueryDto): Promise<Page<JobDto>> {
    const [rows, total] = await this.dataSource.getRepository(JobEntity).findAndCount({
      where: { tenantId, ...(query.state ? { state: query.state } : {}), ...(query.kind ? { kind: query.kind } : {}) },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: query.limit,
      skip: query.offset,
    });
    const items: JobDto[] = [];
    for (const row of rows) items.push(toJobDto(await this.reconciled(row)));
    return { items, total };
  }

  /**
   * A worker that died holding a job cannot update its row; pg-boss notices when the lease expires. Until a retry
   * claims the job (or pg-boss gives up on it), say so instead of showing a stale "running".
   */
  private async reconciled(job: JobEntity): Promise<JobEntity> {
    if (job.state !== 'queued' && job.state !== 'running') return job;
    const delivery = await this.queue.deliveryState(job.kind, job.id);
    if (delivery.state === 'failed') {
      const reason = describeOutput(delivery.output);
      await this.runner.fail(job.id, `the worker running it was lost and retries ran out: ${reason}`);
      return this.dataSource.getRepository(JobEntity).findOneByOrFail({ id: job.id });
    }
    if (delivery.state === 'retrying' && job.state === 'running') {
      return { ...job, state: 'queued', message: 'the worker running it was lost; waiting for a retry' };
    }
    return job;
  }
}

function describeOutput(output: unknown): string {
  if (output && typeof output === 'object') {
    const o = output as { message?: unknown; value?: { message?: unknown } };
    const message = o.message ?? o.value?.message;
    if (typeof message === 'string') return message;
  }
  return 'no reason recorded';
}

export function toJobDto(job: JobEntity): JobDto {
  return {
    id: job.id,
    kind: job.kind,
    state: job.state,
    progress: job.progress,
    message: job.message,
    params: job.params,
    result: job.result,
    error: job.error,
    attempts: job.attempts,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
  };
}
