/**
 * Boots the built server (`dist/`, what `npm start` runs) as a child process, as a newcomer would.
 * `npm test` builds first (pretest).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createThrowawayDatabase, ThrowawayDatabase } from './support/throwaway-database';

const MAIN = join(__dirname, '..', 'dist', 'src', 'main.js');

/**
 * On PostgreSQL, a database of this spec's own: a key is generated only at the first boot of a database without
 * an admin key, and other specs leave theirs in a shared one.
 */
let databaseUrl: string | undefined;

interface Booted {
  child: ChildProcess;
  url: string;
  stdout: () => string;
}

function run(env: Record<string, string>): ChildProcess {
  // Seeding the reference data is the reference spec's subject; here it would only slow each boot down.
  const base = {
    PATH: process.env.PATH ?? '',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'log',
    SEED_REFERENCE: 'false',
  };
  if (databaseUrl) Object.assign(base, { DATABASE_URL: databaseUrl });
  return spawn(process.execPath, [MAIN], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function boot(env: Record<string, string>): Promise<Booted> {
  const child = run(env);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listen line in 60s:\n${out}`)), 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1], stdout: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`exited ${code} before listening:\n${out}`)));
  });
}

/** On SIGTERM the server drains, closes the app (database included) and exits 0. */
function stop(child: ChildProcess): Promise<number | string | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (code, signal) => resolve(code ?? signal));
    child.kill('SIGTERM');
  });
}

describe('boot (built server as a child process)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tiersplit-boot-'));
  let database: ThrowawayDatabase | undefined;
  beforeAll(async () => {
    if (process.env.DATABASE_URL) database = await createThrowawayDatabase(process.env.DATABASE_URL, 'tiersplit_boot');
    databaseUrl = database?.url;
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a bad environment with a readable message', async () => {
    const child = run({ DATA_DIR: dataDir, PORT: 'not-a-port', MAX_UPLOAD_BYTES: '-5' });
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(err).toMatch(/Invalid environment/);
    expect(err).toMatch(/PORT/);
    expect(err).toMatch(/MAX_UPLOAD_BYTES/);
  });

  it('refuses WORKERS out of range, and a separate worker without DATABASE_URL, each with a readable message', async () => {
    const exit = async (file: string, env: NodeJS.ProcessEnv) => {
      const child = spawn(process.execPath, [join(__dirname, '..', 'dist', 'src', file)], {
        env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const code = await new Promise((resolve) => child.on('exit', resolve));
      return { code, err };
    };
    const bad = await exit('main.js', { WORKERS: '-1', JOB_LEASE_SECONDS: '1' });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/WORKERS/);
    expect(bad.err).toMatch(/JOB_LEASE_SECONDS/);
    const worker = await exit('worker.js', {});
    expect(worker.code).toBe(2);
    expect(worker.err).toMatch(/npm run worker needs DATABASE_URL/);
  });

  it('generates the admin key at first boot, stores it 0600 (printed only to a terminal), and keeps it across restarts', async () => {
    const first = await boot({ DATA_DIR: dataDir });
    const file = join(dataDir, 'admin-key');
    const key = readFileSync(file, 'utf8').trim();
    expect(key.length).toBeGreaterThanOrEqual(16);
    // stdout is a pipe here, as under a service manager: the log says where the key is, never the key itself.
    expect(first.stdout()).not.toContain(key);
    expect(first.stdout()).toMatch(/admin key generated and saved to \S*admin-key/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.stdout()).toMatch(/Swagger UI at http:\/\/\S+\/docs/);

    const auth = { headers: { Authorization: `Bearer ${key}` } };
    expect((await fetch(`${first.url}/v1/models`, auth)).status).toBe(200);
    const created = await fetch(`${first.url}/v1/api-keys`, {
      method: 'POST',
      headers: { ...auth.headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ tenant: `boot-${process.pid}` }),
    });
    expect(created.status).toBe(201);
    const tenantKey = ((await created.json()) as { key: string }).key;
    expect(await stop(first.child)).toBe(0);

    const second = await boot({ DATA_DIR: dataDir });
    expect(second.stdout()).not.toContain(key);
    expect((await fetch(`${second.url}/v1/models`, auth)).status).toBe(200);
    expect((await fetch(`${second.url}/v1/models`, { headers: { Authorization: `Bearer ${tenantKey}` } })).status).toBe(
      200,
    );
    expect(await stop(second.child)).toBe(0);
  }, 120_000);
});
