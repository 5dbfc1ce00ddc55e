import { MigrationInterface, QueryRunner } from 'typeorm';

/** Networks: ordered tiers with their platforms, and the links between neighbours. */
export class Networks1764262800000 implements MigrationInterface {
  name = 'Networks1764262800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE networks (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        name text NOT NULL,
        tiers jsonb NOT NULL,
        links jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX networks_tenant_created ON networks (tenant_id, created_at, id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE networks');
  }
}
