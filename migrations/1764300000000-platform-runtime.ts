import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A latency describes one runtime: platforms say which (`onnxruntime`, `pytorch-eager`, …) and, for a runtime with
 * graph optimisation modes, which one they answer for by default. ONNX Runtime's default is `all` on the CPU
 * provider (the kernels tiersplit models); other providers keep the per-node `disabled` mode until kernels are
 * modelled for them. The reference GPU was timed with PyTorch eager, which has no such modes (NULL). A derived
 * platform runs what its base runs.
 */
export class PlatformRuntime1764300000000 implements MigrationInterface {
  name = 'PlatformRuntime1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE platforms ADD COLUMN runtime text NOT NULL DEFAULT 'onnxruntime'`);
    await q.query(
      `ALTER TABLE platforms ADD COLUMN default_graph_optimization text
         CONSTRAINT platforms_default_graph_optimization_check CHECK (default_graph_optimization IN ('all', 'disabled'))`,
    );
    await q.query(
      `UPDATE platforms SET default_graph_optimization = CASE WHEN kind = 'cpu' THEN 'all' ELSE 'disabled' END`,
    );
    await q.query(
      `UPDATE platforms SET runtime = 'pytorch-eager', default_graph_optimization = NULL
        WHERE tenant_id IS NULL AND slug = 'ref-h200'`,
    );
    // Derived platforms may chain (a derived one's base derived too): follow them to the root.
    await q.query(
      `WITH RECURSIVE roots(id, root_id) AS (
         SELECT id, id FROM platforms WHERE derived_from_id IS NULL
         UNION ALL
         SELECT p.id, r.root_id FROM platforms p JOIN roots r ON p.derived_from_id = r.id
       )
       UPDATE platforms p SET runtime = b.runtime, default_graph_optimization = b.default_graph_optimization
         FROM roots r JOIN platforms b ON b.id = r.root_id
        WHERE p.id = r.id AND p.derived_from_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE platforms DROP COLUMN default_graph_optimization');
    await q.query('ALTER TABLE platforms DROP COLUMN runtime');
  }
}
