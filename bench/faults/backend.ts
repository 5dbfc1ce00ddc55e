/**
 * The database the fault bench runs against: a throwaway database on the PostgreSQL server at DATABASE_URL, or,
 * without one, PGlite served over the wire protocol from this process (several processes can then share it as
 * they would share a server). Reached by the app through a loopback proxy the bench can cut.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { startTcpProxy, TcpProxy } from '../../test/support/tcp-proxy';
import { createThrowawayDatabase } from '../../test/support/throwaway-database';

export interface Backend {
  kind: 'PostgreSQL' | 'PGlite over the wire';
  /** Direct URL, for the bench's own checks. */
  url: string;
  /** Through the proxy, for the app. */
  appUrl: string;
  proxy: TcpProxy;
  close(): Promise<void>;
}

export async function startBackend(serverUrl: string | undefined): Promise<Backend> {
  let url: string;
  let release: () => Promise<void>;
  let kind: Backend['kind'];
  if (serverUrl) {
    const db = await createThrowawayDatabase(serverUrl, 'tiersplit_faults');
    url = db.url;
    release = () => db.drop();
    kind = 'PostgreSQL';
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'tiersplit-faults-'));
    const db = await PGlite.create(dir);
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 64 });
    await server.start();
    url = `postgresql://postgres@${server.getServerConn()}/postgres`;
    release = async () => {
      await server.stop();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    };
    kind = 'PGlite over the wire';
  }
  const target = new URL(url);
  const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
  return {
    kind,
    url,
    appUrl: proxy.via(url),
    proxy,
    async close() {
      await proxy.close();
      await release();
    },
  };
}
