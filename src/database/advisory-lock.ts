import { DataSource, EntityManager } from 'typeorm';

/**
 * PostgreSQL advisory lock keys, one per boot step that several processes on one database may run at the same
 * moment. Arbitrary constants: they only have to be distinct from each other and from pg-boss's own locks.
 */
export const LOCKS = {
  migrations: 7_465_001,
  referenceSeeding: 7_465_002,
  adminKey: 7_465_003,
} as const;

/**
 * Runs `work` while this process holds a session-level advisory lock: a second process doing the same waits
 * until the first is done, then finds the work done. The lock lives on one dedicated connection, so `work` must
 * be free to use other pool connections: not for the embedded database, whose pool is one connection (and which
 * one process owns anyway).
 */
export async function withSessionLock<T>(dataSource: DataSource, key: number, work: () => Promise<T>): Promise<T> {
  const holder = dataSource.createQueryRunner();
  await holder.connect();
  try {
    await holder.query('SELECT pg_advisory_lock($1)', [key]);
    try {
      return await work();
    } finally {
      await holder.query('SELECT pg_advisory_unlock($1)', [key]);
    }
  } finally {
    await holder.release();
  }
}

/** Takes a transaction-level advisory lock: held until the caller's transaction commits or rolls back. */
export async function lockForTransaction(em: EntityManager, key: number): Promise<void> {
  await em.query('SELECT pg_advisory_xact_lock($1)', [key]);
}
