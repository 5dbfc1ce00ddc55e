import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataDirLock } from './data-dir-lock';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * The embedded default database: PGlite (PostgreSQL compiled to WASM) persisted under DATA_DIR and served on a
 * free loopback port, so the app talks to it with the same `pg` driver, SQL and migrations as a real server.
 * PGlite is one session: the socket server takes a single connection and the pool is sized 1 (see
 * data-source.ts), so transactions are serialised instead of interleaved inside one session.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly lock: DataDirLock,
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    readonly url: string,
  ) {}

  static async start(dataDir: string): Promise<EmbeddedPostgres> {
    const dir = resolve(dataDir);
    mkdirSync(dir, { recursive: true });
    // Two processes opening one PGlite directory would corrupt it: the second is refused before it opens anything.
    const lock = DataDirLock.acquire(dir);
    try {
      const db = await PGlite.create(dir);
      const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
      await server.start();
      const address = server.getServerConn();
      return new EmbeddedPostgres(lock, db, server, `postgresql://postgres@${address}/postgres`);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.db.close();
    this.lock.release();
  }
}
