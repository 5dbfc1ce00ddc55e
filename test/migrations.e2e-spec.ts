import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations';
import { createDataSource } from '../src/database/data-source';
import { EmbeddedPostgres } from '../src/database/embedded-postgres';

const TABLES = [
  'api_keys',
  'jobs',
  'measurements',
  'model_initializers',
  'model_nodes',
  'models',
  'networks',
  'plans',
  'platforms',
  'predictor_networks',
  'predictors',
  'tenants',
  'whole_model_measurements',
];

async function tables(ds: DataSource): Promise<string[]> {
  const rows: { table_name: string }[] = await ds.query(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name <> 'migrations' ORDER BY 1",
  );
  return rows.map((r) => r.table_name);
}

describe('migrations (real database)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tiersplit-migrations-'));
  let embedded: EmbeddedPostgres | undefined;
  let ds: DataSource;

  beforeAll(async () => {
    const url = process.env.DATABASE_URL ?? (embedded = await EmbeddedPostgres.start(dir)).url;
    ds = createDataSource(url, 1);
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await embedded?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('are timestamped, named and each has up and down', () => {
    for (const migration of MIGRATIONS) {
      expect(migration.name).toMatch(/\d{13}$/);
      expect(typeof migration.prototype.up).toBe('function');
      expect(typeof migration.prototype.down).toBe('function');
    }
  });

  it('run up, all the way down, and up again', async () => {
    await ds.runMigrations({ transaction: 'each' });
    expect(await tables(ds)).toEqual(expect.arrayContaining(TABLES));
    for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration({ transaction: 'each' });
    expect(await tables(ds)).toEqual([]);
    await ds.runMigrations({ transaction: 'each' });
    expect(await tables(ds)).toEqual(expect.arrayContaining(TABLES));
    expect(await ds.showMigrations()).toBe(false);
  });
});
