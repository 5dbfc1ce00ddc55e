import { MigrationInterface, QueryRunner } from 'typeorm';

/** Platforms (reference ones have no tenant and are shared) and per-node latency measurements on them. */
export class PlatformsMeasurements1764259200000 implements MigrationInterface {
  name = 'PlatformsMeasurements1764259200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE platforms (
        id uuid PRIMARY KEY,
        tenant_id uuid REFERENCES tenants(id) ON DELETE CASCADE,
        slug text NOT NULL,
        name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('cpu', 'gpu', 'npu', 'other')),
        description text NOT NULL DEFAULT '',
        derived_from_id uuid REFERENCES platforms(id) ON DELETE RESTRICT,
        scale double precision,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // NULL tenant = reference platform: slugs unique among them, and per tenant.
    await q.query('CREATE UNIQUE INDEX platforms_reference_slug ON platforms (slug) WHERE tenant_id IS NULL');
    await q.query(
      'CREATE UNIQUE INDEX platforms_tenant_slug ON platforms (tenant_id, slug) WHERE tenant_id IS NOT NULL',
    );
    await q.query(`
      CREATE TABLE measurements (
        platform_id uuid NOT NULL REFERENCES platforms(id) ON DELETE CASCADE,
        model_id uuid NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        node_idx integer NOT NULL,
        node_name text NOT NULL,
        median_us double precision NOT NULL CHECK (median_us > 0),
        p10_us double precision,
        p90_us double precision,
        runs integer,
        source text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (platform_id, model_id, node_idx),
        FOREIGN KEY (model_id, node_idx) REFERENCES model_nodes(model_id, idx) ON DELETE CASCADE
      )`);
    await q.query('ALTER TABLE models ALTER COLUMN tenant_id DROP NOT NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DELETE FROM models WHERE tenant_id IS NULL');
    await q.query('ALTER TABLE models ALTER COLUMN tenant_id SET NOT NULL');
    await q.query('DROP TABLE measurements');
    await q.query('DROP TABLE platforms');
  }
}
