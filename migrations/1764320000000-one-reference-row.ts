import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reference graphs are tenant-less models named after their graph: one per name, so that instances seeding the
 * same database at once insert each one once (the seeder's conflict target). Databases seeded twice by racing
 * boots are repaired first: per name the copy with the most measurements stays, the other copies' measurements,
 * whole-model timings and tenants' plans move to it (the same file gives the same nodes in the same order), and
 * the copies go.
 */
export class OneReferenceRow1764320000000 implements MigrationInterface {
  name = 'OneReferenceRow1764320000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TEMP TABLE reference_duplicates AS
      WITH ranked AS (
        SELECT m.id, m.name,
               row_number() OVER (
                 PARTITION BY m.name
                 ORDER BY (SELECT count(*) FROM measurements x WHERE x.model_id = m.id) DESC, m.created_at, m.id
               ) AS rank
        FROM models m WHERE m.tenant_id IS NULL
      )
      SELECT d.id AS duplicate_id, k.id AS keeper_id
      FROM ranked d JOIN ranked k ON k.name = d.name AND k.rank = 1
      WHERE d.rank > 1`);
    await q.query(`
      INSERT INTO measurements
        (platform_id, model_id, node_idx, node_name, median_us, p10_us, p90_us, runs, source, created_at, job_id)
      SELECT x.platform_id, r.keeper_id, x.node_idx, x.node_name, x.median_us, x.p10_us, x.p90_us, x.runs, x.source,
             x.created_at, x.job_id
      FROM measurements x
      JOIN reference_duplicates r ON r.duplicate_id = x.model_id
      JOIN model_nodes n ON n.model_id = r.keeper_id AND n.idx = x.node_idx AND n.name = x.node_name
      ON CONFLICT DO NOTHING`);
    await q.query(`
      INSERT INTO whole_model_measurements
        (platform_id, model_id, median_ms, p10_ms, p90_ms, runs, source, job_id, created_at)
      SELECT w.platform_id, r.keeper_id, w.median_ms, w.p10_ms, w.p90_ms, w.runs, w.source, w.job_id, w.created_at
      FROM whole_model_measurements w JOIN reference_duplicates r ON r.duplicate_id = w.model_id
      ON CONFLICT DO NOTHING`);
    await q.query(
      'UPDATE plans p SET model_id = r.keeper_id FROM reference_duplicates r WHERE p.model_id = r.duplicate_id',
    );
    await q.query('DELETE FROM models m USING reference_duplicates r WHERE m.id = r.duplicate_id');
    await q.query('DROP TABLE reference_duplicates');
    await q.query('CREATE UNIQUE INDEX models_reference_name ON models (name) WHERE tenant_id IS NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX models_reference_name');
  }
}
