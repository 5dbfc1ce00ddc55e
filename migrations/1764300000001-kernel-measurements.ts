import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Latencies measured per kernel (a group of nodes ONNX Runtime runs as one at graph optimisation `all`), next to
 * the per-node ones of the profiling mode. A kernel is named as ORT's optimised graph names it and anchored on its
 * main node, so deleting the model (or re-grouping changing the anchor) never leaves a row pointing nowhere.
 */
export class KernelMeasurements1764300000001 implements MigrationInterface {
  name = 'KernelMeasurements1764300000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE kernel_measurements (
        platform_id uuid NOT NULL REFERENCES platforms(id) ON DELETE CASCADE,
        model_id uuid NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        kernel text NOT NULL,
        main_node_idx integer NOT NULL,
        median_us double precision NOT NULL CHECK (median_us >= 0),
        p10_us double precision,
        p90_us double precision,
        runs integer,
        source text NOT NULL,
        job_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (platform_id, model_id, kernel),
        FOREIGN KEY (model_id, main_node_idx) REFERENCES model_nodes(model_id, idx) ON DELETE CASCADE
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE kernel_measurements');
  }
}
