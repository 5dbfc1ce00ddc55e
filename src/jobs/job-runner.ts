import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager, QueryDeepPartialEntity } from 'typeorm';
import { AppError } from '../common/app-error';
import { JobEntity } from './entities/job.entity';
import { JobFailure } from './jobs.error';

/** Progress writes closer together than this are folded into the next one. */
const PROGRESS_INTERVAL_MS = 250;

export interface JobContext<P> {
  id: string;
  tenantId: string;
  params: P;
  /** 1 for the first try, 2 for the first retry, … */
  attempt: number;
  /** Records progress (0..1) and a line saying where the job is; never throws, writes at most every 250 ms. */
  progress(fraction: number, message: string): void;
}

export interface JobOutcome {
  /** What GET /v1/jobs/{id} shows once the job succeeded. */
  result: Record<string, unknown>;
  /** The job's writes. They run in the transaction that marks the job succeeded, so they happen once per job. */
  write?: (em: EntityManager) => Promise<void>;
}

export type JobHandler<P> = (ctx: JobContext<P>) => Promise<JobOutcome>;

/** What pg-boss tells a worker about one delivery. */
export interface Delivery {
  id: string;
  retryCount: number;
  retryLimit: number;
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Runs one delivery of a job: claims the row, runs the handler with a progress sink, and either commits the
 * handler's writes with the success mark or records the failure. Safe against redelivery: a job that already
 * succeeded or failed is skipped, and of two attempts racing (a lease expired under a live worker) only the first
 * to commit writes anything.
 */
@Injectable()
export class JobRunner {
  private readonly logger = new Logger('Jobs');

  constructor(private readonly dataSource: DataSource) {}

  /** Resolves when the delivery is done with (pg-boss completes it); throws to have pg-boss retry it. */
  async run<P>(handler: JobHandler<P>, delivery: Delivery): Promise<void> {
    const attempt = delivery.retryCount + 1;
    const claimed = await this.update(
      delivery.id,
      ['queued', 'running'],
      {
        state: 'running',
        attempts: () => 'attempts + 1',
        startedAt: () => 'COALESCE(started_at, now())',
        message: attempt > 1 ? `attempt ${attempt} started` : 'started',
      },
      ['tenant_id', 'params'],
    );
    if (claimed.length === 0) return; // finished by an earlier attempt, or its tenant is gone
    const { tenant_id: tenantId, params } = claimed[0] as { tenant_id: string; params: P };
    const progress = new ProgressSink(this, delivery.id, this.logger);
    try {
      const outcome = await handler({ id: delivery.id, tenantId, params, attempt, progress: progress.report });
      await progress.flushed();
      await this.succeed(delivery.id, outcome);
    } catch (error) {
      await progress.flushed();
      const permanent = error instanceof JobFailure || error instanceof AppError;
      if (permanent || delivery.retryCount >= delivery.retryLimit) {
        this.logger.warn(`job ${delivery.id} failed on attempt ${attempt}: ${messageOf(error)}`);
        await this.fail(delivery.id, messageOf(error));
        return;
      }
      this.logger.warn(`job ${delivery.id} attempt ${attempt} failed, will retry: ${messageOf(error)}`);
      await this.update(delivery.id, ['running'], {
        state: 'queued',
        message: `attempt ${attempt} failed (${messageOf(error)}); waiting for a retry`,
      });
      throw error;
    }
  }

  /** Marks a job failed unless it already finished; false when it had. */
  async fail(id: string, error: string): Promise<boolean> {
    const rows = await this.update(id, ['queued', 'running'], {
      state: 'failed',
      error,
      message: 'failed',
      finishedAt: () => 'now()',
    });
    return rows.length > 0;
  }

  async recordProgress(id: string, fraction: number, message: string): Promise<void> {
    await this.update(id, ['running'], { progress: Math.min(1, Math.max(0, fraction)), message });
  }

  private async succeed(id: string, outcome: JobOutcome): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const marked = await this.update(
        id,
        ['running'],
        {
          state: 'succeeded',
          progress: 1,
          message: 'done',
          result: outcome.result as QueryDeepPartialEntity<JobEntity>['result'],
          finishedAt: () => 'now()',
        },
        ['id'],
        em,
      );
      // Another attempt committed first (or the job was failed meanwhile): its writes stand, these are dropped.
      if (marked.length === 0) return;
      await outcome.write?.(em);
    });
  }

  private async update(
    id: string,
    from: string[],
    set: QueryDeepPartialEntity<JobEntity>,
    returning: string[] = ['id'],
    em: EntityManager = this.dataSource.manager,
  ): Promise<unknown[]> {
    const result = await em
      .createQueryBuilder()
      .update(JobEntity)
      .set(set)
      .where('id = :id AND state IN (:...from)', { id, from })
      .returning(returning)
      .execute();
    return result.raw as unknown[];
  }
}

/** Serialises progress writes (never two in flight) and drops the ones that come too fast. */
class ProgressSink {
  private pending: Promise<void> = Promise.resolve();
  private lastWrite = 0;

  constructor(
    private readonly runner: JobRunner,
    private readonly id: string,
    private readonly logger: Logger,
  ) {}

  readonly report = (fraction: number, message: string): void => {
    const now = Date.now();
    if (now - this.lastWrite < PROGRESS_INTERVAL_MS && fraction < 1) return;
    this.lastWrite = now;
    this.pending = this.pending
      .then(() => this.runner.recordProgress(this.id, fraction, message))
      .catch((e: unknown) => this.logger.warn(`job ${this.id}: progress not recorded: ${messageOf(e)}`));
  };

  flushed(): Promise<void> {
    return this.pending;
  }
}
