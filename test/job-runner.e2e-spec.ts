/**
 * The job runner against the real database (no queue in the way): retries, bounded retries, and two attempts
 * of one job racing after a lease expired under a live worker.
 */
import { randomUUID } from 'node:crypto';
import { JobEntity } from '../src/jobs/entities/job.entity';
import { JobHandler, JobRunner } from '../src/jobs/job-runner';
import { JobFailure } from '../src/jobs/jobs.error';
import { createTenantKey, startTestApp, TestApp } from './support/test-app';

describe('JobRunner (real database)', () => {
  let t: TestApp;
  let runner: JobRunner;
  let tenantId: string;

  const newJob = async (): Promise<string> => {
    const id = randomUUID();
    await t.dataSource.getRepository(JobEntity).insert({
      id,
      tenantId,
      kind: 'test',
      state: 'queued',
      progress: 0,
      params: { n: 1 },
      attempts: 0,
    });
    return id;
  };
  const row = (id: string) => t.dataSource.getRepository(JobEntity).findOneByOrFail({ id });
  const marks = async (id: string): Promise<string[]> =>
    (
      (await t.dataSource.query('SELECT note FROM job_runner_marks WHERE job = $1 ORDER BY note', [id])) as {
        note: string;
      }[]
    ).map((r) => r.note);
  const writing =
    (note: string, before: () => Promise<void> = async () => {}): JobHandler<{ n: number }> =>
    async (ctx) => {
      ctx.progress(0.5, 'half way');
      await before();
      return {
        result: { note, n: ctx.params.n },
        write: async (em) => {
          await em.query('INSERT INTO job_runner_marks (job, note) VALUES ($1, $2)', [ctx.id, note]);
        },
      };
    };

  beforeAll(async () => {
    t = await startTestApp();
    runner = t.app.get(JobRunner);
    const { tenant } = await createTenantKey(t, 'runner');
    tenantId = ((await t.dataSource.query('SELECT id FROM tenants WHERE name = $1', [tenant])) as { id: string }[])[0]
      .id;
    await t.dataSource.query('CREATE TABLE IF NOT EXISTS job_runner_marks (job uuid NOT NULL, note text NOT NULL)');
  });
  afterAll(async () => {
    await t.dataSource.query('DROP TABLE IF EXISTS job_runner_marks');
    await t.close();
  });

  it('commits the result and the writes together, then ignores a redelivery', async () => {
    const id = await newJob();
    await runner.run(writing('first'), { id, retryCount: 0, retryLimit: 2 });
    expect(await row(id)).toMatchObject({
      state: 'succeeded',
      progress: 1,
      attempts: 1,
      result: { note: 'first', n: 1 },
    });
    await runner.run(writing('again'), { id, retryCount: 1, retryLimit: 2 });
    expect(await marks(id)).toEqual(['first']);
    expect((await row(id)).attempts).toBe(1);
  });

  it('hands an unexpected error back for a retry, and fails the job once retries run out', async () => {
    const id = await newJob();
    const broken: JobHandler<{ n: number }> = async () => {
      throw new Error('disk full');
    };
    await expect(runner.run(broken, { id, retryCount: 0, retryLimit: 1 })).rejects.toThrow('disk full');
    expect(await row(id)).toMatchObject({ state: 'queued', attempts: 1, error: null });
    expect((await row(id)).message).toMatch(/attempt 1 failed \(disk full\); waiting for a retry/);
    await runner.run(broken, { id, retryCount: 1, retryLimit: 1 });
    expect(await row(id)).toMatchObject({ state: 'failed', attempts: 2, error: 'disk full', result: null });
    expect(await marks(id)).toEqual([]);
  });

  it('fails at once, without retrying, when the job itself is wrong', async () => {
    const id = await newJob();
    const wrong: JobHandler<{ n: number }> = async () => {
      throw new JobFailure('op Foo is not implemented');
    };
    await runner.run(wrong, { id, retryCount: 0, retryLimit: 5 });
    expect(await row(id)).toMatchObject({ state: 'failed', attempts: 1, error: 'op Foo is not implemented' });
  });

  it('of two attempts racing (a lease expired under a live worker), only the first to finish writes', async () => {
    const id = await newJob();
    let releaseSlow!: () => void;
    const slowMayFinish = new Promise<void>((r) => (releaseSlow = r));
    const slow = runner.run(
      writing('slow', () => slowMayFinish),
      { id, retryCount: 0, retryLimit: 2 },
    );
    // The retry claims the job while the first attempt still runs, and finishes first.
    await new Promise((r) => setTimeout(r, 50));
    await runner.run(writing('fast'), { id, retryCount: 1, retryLimit: 2 });
    releaseSlow();
    await slow;
    expect(await marks(id)).toEqual(['fast']);
    expect(await row(id)).toMatchObject({ state: 'succeeded', attempts: 2, result: { note: 'fast', n: 1 } });
  });
});
