import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Jobs as users see them (state, progress, result), beside pg-boss's own schema, which only delivers them: pg-boss
 * knows nothing of tenants or progress, and its rows are archived and deleted on its own schedule.
 * Whole-model latencies get their own table (one row per platform and model, like a node's measurement), and
 * measurements remember the job that wrote them.
 */
export class Jobs1764284400000 implements MigrationInterface {
  name = 'Jobs1764284400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE jobs (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        kind text NOT NULL,
        state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
        progress double precision NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
        message text NULL,
        params jsonb NOT NULL,
        result jsonb NULL,
        error text NULL,
        attempts integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz NULL,
        finished_at timestamptz NULL
      )`);
    await q.query('CREATE INDEX jobs_tenant_created ON jobs (tenant_id, created_at DESC, id)');
    await q.query(`
      CREATE TABLE whole_model_measurements (
        platform_id uuid NOT NULL REFERENCES platforms(id) ON DELETE CASCADE,
        model_id uuid NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        median_ms double precision NOT NULL CHECK (median_ms > 0),
        p10_ms double precision NULL,
        p90_ms double precision NULL,
        runs integer NULL,
        source text NOT NULL,
        job_id uuid NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (platform_id, model_id)
      )`);
    await q.query('ALTER TABLE measurements ADD COLUMN job_id uuid NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE measurements DROP COLUMN job_id');
    await q.query('DROP TABLE whole_model_measurements');
    await q.query('DROP TABLE jobs');
  }
}
