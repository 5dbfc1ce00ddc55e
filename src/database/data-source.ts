import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { ENTITIES } from './entities';

/**
 * A request waits at most this long for a pool connection (or for a new one to open) before it fails with a 503:
 * while the server is down requests fail fast instead of piling up, and once it is back the next request opens a
 * fresh connection (the pool drops connections that broke), so recovery needs no restart.
 */
export const CONNECT_TIMEOUT_MS = 5_000;

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
    extra: {
      max: poolSize,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      idleTimeoutMillis: 30_000,
      // Notices a server that vanished without closing its sockets (a host restart) on idle connections too.
      keepAlive: true,
    },
  });
}
