import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What turning a plan into runnable sub-models needs: where each initializer's bytes lie in the file the user
 * uploaded (the service never stores weights, so a sub-model references them there), that file's name, and the
 * model's architecture fingerprint (a hash of the graph without weight bytes) that `tiersplit split` and the
 * reference-measurement lookup compare. Rows stored before this have NULLs: their sub-models cannot be built.
 */
export class TensorLocations1764310000000 implements MigrationInterface {
  name = 'TensorLocations1764310000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE model_initializers ADD COLUMN data jsonb NULL');
    await q.query('ALTER TABLE models ADD COLUMN file_name text NULL, ADD COLUMN fingerprint text NULL');
    await q.query('CREATE INDEX models_fingerprint ON models (fingerprint) WHERE tenant_id IS NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX models_fingerprint');
    await q.query('ALTER TABLE models DROP COLUMN fingerprint, DROP COLUMN file_name');
    await q.query('ALTER TABLE model_initializers DROP COLUMN data');
  }
}
