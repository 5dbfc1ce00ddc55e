import { EntityManager } from 'typeorm';
import { MeasurementEntity } from './entities/measurement.entity';
import { WholeModelMeasurementEntity } from './entities/whole-model-measurement.entity';

/** A node measured again replaces its row (keyed by platform, model and node index): writes are idempotent. */
export async function upsertMeasurements(em: EntityManager, rows: Partial<MeasurementEntity>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    await em
      .createQueryBuilder()
      .insert()
      .into(MeasurementEntity)
      .values(rows.slice(i, i + 1000))
      .orUpdate(
        ['node_name', 'median_us', 'p10_us', 'p90_us', 'runs', 'source', 'job_id', 'created_at'],
        ['platform_id', 'model_id', 'node_idx'],
      )
      .execute();
  }
}

export async function upsertWholeModel(em: EntityManager, row: Partial<WholeModelMeasurementEntity>): Promise<void> {
  await em
    .createQueryBuilder()
    .insert()
    .into(WholeModelMeasurementEntity)
    .values(row)
    .orUpdate(['median_ms', 'p10_ms', 'p90_ms', 'runs', 'source', 'job_id', 'created_at'], ['platform_id', 'model_id'])
    .execute();
}
