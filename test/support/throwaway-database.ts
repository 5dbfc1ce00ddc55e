/**
 * A fresh database on the PostgreSQL server named by DATABASE_URL, for specs that need one to themselves (many
 * instances booting on an empty database, a database taken away): created on demand, dropped afterwards.
 */
import { Client } from 'pg';

export interface ThrowawayDatabase {
  url: string;
  drop(): Promise<void>;
}

let sequence = 0;

export async function createThrowawayDatabase(serverUrl: string, prefix: string): Promise<ThrowawayDatabase> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${sequence++}`.replace(/[^a-z0-9_]/g, '_');
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
      await admin(`DROP DATABASE IF EXISTS ${name}`);
    },
  };
}
