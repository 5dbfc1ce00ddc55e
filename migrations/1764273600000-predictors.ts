import { MigrationInterface, QueryRunner } from 'typeorm';

/** Predictors trained for tenant platforms: the artifact (metadata, metrics) and its ONNX networks. */
export class Predictors1764273600000 implements MigrationInterface {
  name = 'Predictors1764273600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE predictors (
        id uuid PRIMARY KEY,
        platform_id uuid NOT NULL REFERENCES platforms(id) ON DELETE CASCADE,
        artifact jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX predictors_platform_created ON predictors (platform_id, created_at DESC)');
    await q.query(`
      CREATE TABLE predictor_networks (
        predictor_id uuid NOT NULL REFERENCES predictors(id) ON DELETE CASCADE,
        file text NOT NULL,
        onnx bytea NOT NULL,
        PRIMARY KEY (predictor_id, file)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE predictor_networks');
    await q.query('DROP TABLE predictors');
  }
}
