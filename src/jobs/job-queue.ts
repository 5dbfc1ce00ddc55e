import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import PgBoss from 'pg-boss';
import type { Pool, PoolClient } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { APP_CONFIG, AppConfig } from '../config/env.schema';
import { JobHandler, JobRunner } from './job-runner';
import type { JobKind } from './jobs.dto';

interface Registration {
  handler: JobHandler<never>;
  /** Most deliveries of this kind one process runs at once (profiles: 1, or they would time each other). */
  concurrency: number;
}

/** What pg-boss says of a job whose row still reads queued or running. */
export type DeliveryState = 'waiting' | 'active' | 'retrying' | 'failed' | 'unknown';

const DELIVERY_STATES: Record<string, DeliveryState> = {
  created: 'waiting',
  retry: 'retrying',
  active: 'active',
  failed: 'failed',
  cancelled: 'failed',
};

/**
 * pg-boss on the service's own database: it shares the TypeORM pool (so it works unchanged on the embedded
 * database, whose single connection cannot be shared with a second pool) and a job is enqueued in the same
 * transaction as its row. Modules register a handler per job kind before boot; this process runs up to WORKERS
 * jobs at once, or none with WORKERS=0 (an API-only instance; `npm run worker` processes do the work).
 */
@Injectable()
export class JobQueue implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('JobQueue');
  private readonly kinds = new Map<string, Registration>();
  private boss: PgBoss | null = null;
  private draining = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly runner: JobRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  register<P>(kind: JobKind, handler: JobHandler<P>, options: { concurrency?: number } = {}): void {
    if (this.boss) throw new Error(`job kind '${kind}' registered after the queue started`);
    if (this.kinds.has(kind)) throw new Error(`job kind '${kind}' registered twice`);
    this.kinds.set(kind, { handler: handler as JobHandler<never>, concurrency: options.concurrency ?? Infinity });
  }

  async onApplicationBootstrap(): Promise<void> {
    const pool = this.pool();
    const boss = new PgBoss({
      db: { executeSql: (text: string, values: unknown[]) => pool.query(text, values) },
      // Cron schedules are not used; maintenance (expiring lost jobs) runs often enough to notice a lost lease.
      schedule: false,
      maintenanceIntervalSeconds: Math.max(1, Math.min(60, Math.floor(this.config.JOB_LEASE_SECONDS / 4))),
    });
    boss.on('error', (e: Error) => this.logger.error(`pg-boss: ${e.message}`));
    await boss.start();
    this.boss = boss;
    for (const [kind, registration] of this.kinds) {
      await boss.createQueue(kind);
      const workers = Math.min(this.config.WORKERS, registration.concurrency);
      for (let i = 0; i < workers; i++) {
        await boss.work<object>(
          kind,
          { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: 1 },
          async ([job]) => this.runner.run(registration.handler, job),
        );
      }
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.drain(this.config.SHUTDOWN_GRACE_SECONDS * 1000);
  }

  /**
   * Takes no new deliveries and waits up to `timeoutMs` for the running ones; a job still running then is failed
   * back to the queue and retried by another worker (its results are written once either way).
   */
  async drain(timeoutMs: number): Promise<void> {
    // Requests still in flight may enqueue meanwhile: sending needs only the database, not a running worker.
    this.draining = true;
    await this.boss?.stop({ graceful: true, timeout: timeoutMs, close: false, wait: true });
  }

  /** Throws unless the queue is started and its tables answer (readiness). */
  async ping(): Promise<void> {
    if (!this.boss || this.draining) throw new Error('the job queue is stopped');
    await this.pool().query('SELECT version FROM pgboss.version LIMIT 1');
  }

  private pool(): Pool {
    return (this.dataSource.driver as PostgresDriver).master as Pool;
  }

  /** Enqueues job `id` inside the caller's transaction: the job exists for workers exactly when its row does. */
  async send(em: EntityManager, kind: string, id: string): Promise<void> {
    if (!this.kinds.has(kind)) throw new Error(`no handler registered for job kind '${kind}'`);
    const client = (await em.queryRunner!.connect()) as PoolClient;
    const sent = await this.started().send(
      kind,
      {},
      {
        id,
        retryLimit: this.config.JOB_RETRY_LIMIT,
        retryDelay: 1,
        expireInSeconds: this.config.JOB_LEASE_SECONDS,
        db: { executeSql: (text: string, values: unknown[]) => client.query(text, values) },
      },
    );
    if (sent !== id) throw new Error(`pg-boss did not enqueue job ${id} (queue '${kind}' missing?)`);
  }

  async deliveryState(kind: string, id: string): Promise<{ state: DeliveryState; output: unknown }> {
    if (!this.kinds.has(kind)) return { state: 'unknown', output: null };
    const job = await this.started().getJobById(kind, id, { includeArchive: true });
    if (!job) return { state: 'unknown', output: null };
    return { state: DELIVERY_STATES[job.state] ?? 'unknown', output: job.output };
  }

  private started(): PgBoss {
    if (!this.boss) throw new Error('the job queue has not started');
    return this.boss;
  }
}
