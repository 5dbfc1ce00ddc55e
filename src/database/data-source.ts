import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { ENTITIES } from './entities';

/**
 * One code path for both databases: the app always speaks `pg` to a URL, the embedded server's or DATABASE_URL.
 * `poolSize` is 1 for the embedded server (one PGlite session; see embedded-postgres.ts).
 */
export function createDataSource(url: string, poolSize: number): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    logging: ['error'],
    extra: { max: poolSize },
  });
}
