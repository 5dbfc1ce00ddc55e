import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGunzip } from 'node:zlib';
import type { Response } from 'superagent';
import { extract } from 'tar-stream';
import { api, bearer, createTenantKey, startTestApp, TestApp } from './support/test-app';

const ROOT = join(__dirname, '..');

/** Unpacks a tar.gz body into `dir`, refusing any path that would leave it. */
async function unpack(body: Buffer, dir: string): Promise<string[]> {
  const names: string[] = [];
  const ex = extract();
  ex.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: unknown) => chunks.push(c as Buffer));
    stream.on('end', () => {
      if (header.name.includes('..')) throw new Error(`kit entry leaves its folder: ${header.name}`);
      const path = join(dir, header.name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, Buffer.concat(chunks));
      names.push(header.name);
      next();
    });
  });
  await pipeline(Readable.from([body]), createGunzip(), ex);
  return names;
}

/** supertest parser that keeps a binary body as one Buffer. */
const binary = (res: Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

describe('profiling kit (e2e)', () => {
  let t: TestApp;
  let key: string;
  let work: string;
  beforeAll(async () => {
    t = await startTestApp();
    key = (await createTenantKey(t, 'kit')).key;
    // Inside the repository, so the runner resolves onnxruntime-node from its node_modules as a user's would.
    mkdirSync(join(ROOT, 'tmp'), { recursive: true });
    work = mkdtempSync(join(ROOT, 'tmp', 'kit-'));
  });
  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    await t.close();
  });

  const download = (query: string) =>
    api(t).get(`/v1/profiling-kit${query}`).set(bearer(key)).buffer(true).parse(binary);

  it('refuses a model count that is 0, above 1000 or not an integer, naming the parameter', async () => {
    for (const [q, name] of [
      ['?models=0', 'models'],
      ['?models=1001', 'models'],
      ['?models=2.5', 'models'],
      ['?models=ten', 'models'],
      ['?seed=-1', 'seed'],
    ]) {
      const res = await download(q).expect(400);
      expect(JSON.parse((res.body as Buffer).toString('utf8')).message).toEqual(expect.stringContaining(name));
    }
    await api(t).get('/v1/profiling-kit?models=1').expect(401);
  });

  it('gives the same kit for the same seed, with a manifest whose hashes match the models', async () => {
    const a = await download('?models=3&seed=9').expect(200);
    expect(a.headers['content-type']).toBe('application/gzip');
    expect(a.headers['content-disposition']).toContain('tiersplit-kit-9-3.tar.gz');
    const b = await download('?models=3&seed=9').expect(200);
    expect(Buffer.compare(a.body as Buffer, b.body as Buffer)).toBe(0);

    const dir = join(work, 'same');
    const names = await unpack(a.body as Buffer, dir);
    expect(names).toEqual(
      expect.arrayContaining(['tiersplit-kit/profile.py', 'tiersplit-kit/profile.mjs', 'tiersplit-kit/manifest.json']),
    );
    const manifest = JSON.parse(readFileSync(join(dir, 'tiersplit-kit', 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ format: 'tiersplit-kit', version: 1, seed: 9 });
    expect(manifest.models).toHaveLength(3);
    for (const m of manifest.models) {
      const bytes = readFileSync(join(dir, 'tiersplit-kit', 'models', `${m.name}.onnx`));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(m.sha256);
    }
  });

  it('runs with its Node runner at both optimisation levels and writes results per kernel and per node', async () => {
    const res = await download('?models=2&seed=3').expect(200);
    const dir = join(work, 'run');
    await unpack(res.body as Buffer, dir);
    const kit = join(dir, 'tiersplit-kit');
    const out = join(dir, 'results.json');
    const { stderr } = await promisify(execFile)(
      process.execPath,
      [join(kit, 'profile.mjs'), '--out', out, '--threads', '1', '--runs', '3', '--warmup', '1'],
      { timeout: 120_000 },
    );
    expect(stderr).toMatch(/\[2\/2\]/);
    const results = JSON.parse(readFileSync(out, 'utf8'));
    expect(results).toMatchObject({
      format: 'tiersplit-kit-results',
      version: 1,
      kit: { seed: 3, models: 2 },
      settings: { threads: 1, runs: 3, warmup: 1 },
    });
    for (const m of results.models) {
      for (const level of ['all', 'disabled']) {
        expect(m[level].wholeModel.runs).toBe(3);
        expect(m.seconds).toBeGreaterThan(0);
        expect(m[level].wholeModel.medianMs).toBeGreaterThan(0);
        expect(m[level].events.length).toBeGreaterThan(0);
        m[level].events.forEach((e: { runs: number; medianUs: number }) => {
          expect(e.runs).toBe(3);
          expect(e.medianUs).toBeGreaterThanOrEqual(0);
        });
      }
      // ORT fuses at `all`: fewer kernels than nodes.
      expect(m.all.events.length).toBeLessThan(m.disabled.events.length);
    }
  });

  it('Python runner writes the same results format (against the stand-in runtime of test/support/python-ort-stub)', async () => {
    const res = await download('?models=2&seed=5').expect(200);
    const dir = join(work, 'python');
    await unpack(res.body as Buffer, dir);
    const out = join(dir, 'results.json');
    const env = { ...process.env, PYTHONPATH: join(__dirname, 'support', 'python-ort-stub') };
    const run = (...args: string[]) =>
      promisify(execFile)('python3', [join(dir, 'tiersplit-kit', 'profile.py'), ...args], { env, timeout: 60_000 });
    const { stderr } = await run('--out', out, '--runs', '4', '--warmup', '2');
    expect(stderr).toMatch(/\[2\/2\]/);
    const results = JSON.parse(readFileSync(out, 'utf8'));
    expect(results).toMatchObject({
      format: 'tiersplit-kit-results',
      version: 1,
      kit: { seed: 5, models: 2 },
      runner: 'profile.py',
      settings: { threads: 1, runs: 4, warmup: 2 },
    });
    for (const m of results.models) {
      expect(m.all.wholeModel.runs).toBe(4);
      // The stand-in's trace: warm-up runs excluded, one event per fused kernel at `all`, per node at `disabled`.
      expect(m.all.events).toEqual([
        { name: 'Conv_0_output_nchwc', op: 'Conv', medianUs: 40, p10Us: 40, p90Us: 40, runs: 4 },
        { name: 'Gemm_3', op: 'Gemm', medianUs: 10, p10Us: 10, p90Us: 10, runs: 4 },
      ]);
      expect(m.disabled.events.map((e: { name: string }) => e.name)).toEqual(['Conv_0', 'Relu_1', 'Gemm_3']);
    }
    await expect(run('--threads', 'x')).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/--threads/) });
  });

  it('runner refuses bad flags with a readable message and a non-zero exit', async () => {
    const res = await download('?models=1&seed=4').expect(200);
    const dir = join(work, 'flags');
    await unpack(res.body as Buffer, dir);
    const run = promisify(execFile)(process.execPath, [join(dir, 'tiersplit-kit', 'profile.mjs'), '--runs', '0']);
    await expect(run).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/--runs must be an integer/) });
  });
});
