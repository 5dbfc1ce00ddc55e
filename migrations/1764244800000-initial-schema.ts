import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tenants and their API keys, uploaded models and their per-node features. */
export class InitialSchema1764244800000 implements MigrationInterface {
  name = 'InitialSchema1764244800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenants (
        id uuid PRIMARY KEY,
        name text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        lookup text NOT NULL UNIQUE,
        hash text NOT NULL,
        is_admin boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE models (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        name text NOT NULL,
        node_count integer NOT NULL,
        inputs jsonb NOT NULL,
        outputs jsonb NOT NULL,
        total_macs double precision NOT NULL,
        params double precision NOT NULL,
        weights_included boolean NOT NULL,
        is_chain boolean NOT NULL,
        unsupported_ops jsonb NOT NULL,
        unresolved_tensors integer NOT NULL,
        opset integer NOT NULL,
        producer text NOT NULL,
        file_bytes bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX models_tenant_created ON models (tenant_id, created_at, id)`);
    await q.query(`
      CREATE TABLE model_nodes (
        model_id uuid NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        idx integer NOT NULL,
        name text NOT NULL,
        op_type text NOT NULL,
        domain text NOT NULL,
        inputs jsonb NOT NULL,
        input_shapes jsonb NOT NULL,
        outputs jsonb NOT NULL,
        attributes jsonb NOT NULL,
        macs double precision NOT NULL,
        params double precision NOT NULL,
        in_bytes double precision NOT NULL,
        out_bytes double precision NOT NULL,
        is_constant boolean NOT NULL,
        macs_fallback boolean NOT NULL,
        PRIMARY KEY (model_id, idx),
        UNIQUE (model_id, name)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE model_nodes');
    await q.query('DROP TABLE models');
    await q.query('DROP TABLE api_keys');
    await q.query('DROP TABLE tenants');
  }
}
