import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgres } from './embedded-postgres';

describe('EmbeddedPostgres', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tiersplit-embedded-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function withClient<T>(run: (c: Client) => Promise<T>): Promise<T> {
    const embedded = await EmbeddedPostgres.start(dir);
    const client = new Client(embedded.url);
    await client.connect();
    try {
      return await run(client);
    } finally {
      await client.end();
      await embedded.stop();
    }
  }

  it('serves PostgreSQL over the pg driver and keeps data across restarts', async () => {
    await withClient(async (c) => {
      await c.query('CREATE TABLE kept (v text)');
      await c.query("INSERT INTO kept VALUES ('survives')");
    });
    const rows = await withClient(async (c) => (await c.query('SELECT v FROM kept')).rows);
    expect(rows).toEqual([{ v: 'survives' }]);
  });
});
