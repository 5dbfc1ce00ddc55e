import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { TimingEvent, timingChannel } from '../common/timings';

const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const WORK_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];

const JOB_ROWS_SQL = `
  SELECT kind, state, count(*)::int AS n,
         coalesce(sum(extract(epoch FROM finished_at - started_at)), 0)::float8 AS seconds,
         coalesce(max(extract(epoch FROM finished_at - started_at)), 0)::float8 AS longest
    FROM jobs GROUP BY kind, state`;

interface JobRow {
  kind: string;
  state: string;
  n: number;
  seconds: number;
  longest: number;
}

interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/**
 * The process's Prometheus registry. One per app (not prom-client's global one), so two apps in one process keep
 * apart. Job figures come from the jobs table when scraped: whoever ran a job (this API or a separate worker), an
 * API's /metrics shows it.
 */
@Injectable()
export class MetricsService implements OnModuleDestroy {
  readonly registry = new Registry();
  private readonly httpRequests = new Counter({
    name: 'tiersplit_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly httpDuration = new Histogram({
    name: 'tiersplit_http_request_duration_seconds',
    help: 'Time from request to response finished, by route pattern, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });
  private readonly work = new Histogram({
    name: 'tiersplit_work_duration_seconds',
    help: 'Time spent in the planner (solver) and in predictor inference (prediction), in this process',
    labelNames: ['work'] as const,
    buckets: WORK_BUCKETS,
    registers: [this.registry],
  });
  private readonly onTiming = (message: unknown) => {
    const event = message as TimingEvent;
    this.work.observe({ work: event.name }, event.seconds);
  };

  constructor(private readonly dataSource: DataSource) {
    collectDefaultMetrics({ register: this.registry, prefix: 'tiersplit_' });
    subscribe(timingChannel.name, this.onTiming);
    const pool = () => (this.dataSource.driver as unknown as { master?: PgPool }).master;
    new Gauge({
      name: 'tiersplit_db_pool_connections',
      help: 'Database pool connections of this process: total open, idle, and requests waiting for one',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const p = pool();
        this.set({ state: 'total' }, p?.totalCount ?? 0);
        this.set({ state: 'idle' }, p?.idleCount ?? 0);
        this.set({ state: 'waiting' }, p?.waitingCount ?? 0);
      },
    });
    // One query per scrape feeds the three job gauges: their collects run together and share it.
    const db = this.dataSource;
    let inFlight: Promise<JobRow[]> | null = null;
    const jobRows = (): Promise<JobRow[]> =>
      (inFlight ??= (db.query(JOB_ROWS_SQL) as Promise<JobRow[]>).finally(() => (inFlight = null)));
    const jobGauge = (name: string, help: string, value: (r: JobRow) => number | null) =>
      new Gauge({
        name,
        help,
        labelNames: ['kind', 'state'] as const,
        registers: [this.registry],
        async collect() {
          const rows = await jobRows();
          this.reset();
          for (const r of rows) {
            const v = value(r);
            if (v !== null) this.set({ kind: r.kind, state: r.state }, v);
          }
        },
      });
    const finished = (r: JobRow) => r.state === 'succeeded' || r.state === 'failed';
    jobGauge('tiersplit_jobs', 'Jobs by kind and state, all tenants and processes', (r) => r.n);
    jobGauge(
      'tiersplit_job_run_seconds_sum',
      'Total run time (start to finish) of finished jobs by kind and state; divided by tiersplit_jobs, the mean',
      (r) => (finished(r) ? r.seconds : null),
    );
    jobGauge('tiersplit_job_run_seconds_max', 'Longest run time of a finished job by kind and state', (r) =>
      finished(r) ? r.longest : null,
    );
  }

  /** Records one answered request; `route` is the pattern that matched (`/v1/plans/:id`), never the raw URL. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }

  onModuleDestroy(): void {
    unsubscribe(timingChannel.name, this.onTiming);
  }
}
