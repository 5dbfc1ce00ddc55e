import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JobQueue } from '../jobs/job-queue';

export type CheckState = 'up' | 'down';

export interface Readiness {
  ready: boolean;
  database: CheckState;
  queue: CheckState;
  draining: boolean;
}

/** Whether this instance should get traffic: its database and its queue answer, and it is not shutting down. */
@Injectable()
export class ReadinessService {
  private draining = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: JobQueue,
  ) {}

  /** From SIGTERM on, /ready says no, so a load balancer stops sending traffic while in-flight work ends. */
  startDraining(): void {
    this.draining = true;
  }

  async check(): Promise<Readiness> {
    const [database, queue] = await Promise.all([
      probe(() => this.dataSource.query('SELECT 1')),
      probe(() => this.queue.ping()),
    ]);
    return { ready: !this.draining && database === 'up' && queue === 'up', database, queue, draining: this.draining };
  }
}

async function probe(check: () => Promise<unknown>): Promise<CheckState> {
  try {
    await check();
    return 'up';
  } catch {
    return 'down';
  }
}
