import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What rebuilding a model for self-profiling needs beyond the per-node rows: the opset imports and IR version
 * (so the rebuilt file means the same ops), and every initializer's name, type and dims (its bytes were never
 * stored; small decoded values are kept because shape operands such as Reshape targets must be exact).
 * Models stored before this migration have NULL opset_imports and ir_version: they cannot be rebuilt.
 */
export class ModelGraphParts1764277200000 implements MigrationInterface {
  name = 'ModelGraphParts1764277200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE models ADD COLUMN opset_imports jsonb NULL, ADD COLUMN ir_version integer NULL');
    await q.query(`
      CREATE TABLE model_initializers (
        model_id uuid NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        name text NOT NULL,
        data_type integer NOT NULL,
        dims jsonb NOT NULL,
        "values" jsonb NULL,
        PRIMARY KEY (model_id, name)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE model_initializers');
    await q.query('ALTER TABLE models DROP COLUMN ir_version, DROP COLUMN opset_imports');
  }
}
