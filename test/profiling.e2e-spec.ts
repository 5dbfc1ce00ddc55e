import { createReadStream } from 'node:fs';
import { OnnxDataType } from '../src/onnx/types';
import { runJob, uploadModel, waitForJob } from './support/factories';
import { fixturePath } from './support/fixtures';
import { buildModel, node, value } from './support/onnx-builder';
import { api, bearer, createTenantKey, startTestApp, TestApp } from './support/test-app';
import { ingestOnnx } from '../src/onnx/ingest';

interface Measurement {
  node: string;
  medianUs: number;
  p10Us: number;
  p90Us: number;
  runs: number;
  source: string;
  jobId: string | null;
}

describe('self-profiling jobs (e2e)', () => {
  let t: TestApp;
  let key: string;
  let squeezenet: string;

  const measurements = async (slug: string, modelId: string): Promise<Measurement[]> =>
    (await api(t).get(`/v1/platforms/${slug}/measurements?modelId=${modelId}&limit=1000`).set(bearer(key)).expect(200))
      .body.items;

  beforeAll(async () => {
    // The reference platforms are seeded: profiling onto one must be refused.
    t = await startTestApp({ SEED_REFERENCE: true });
    key = (await createTenantKey(t, 'profiler')).key;
    await api(t)
      .post('/v1/platforms')
      .set(bearer(key))
      .send({ slug: 'this-host', name: 'CI', kind: 'cpu' })
      .expect(201);
    squeezenet = await uploadModel(t, key, 'models', 'squeezenet1_1.onnx');
  }, 180_000); // seeding the reference platforms takes its time on a loaded machine
  afterAll(() => t?.close());

  it('describes this host', async () => {
    const host = (await api(t).get('/v1/platforms/host').set(bearer(key)).expect(200)).body;
    expect(host.logicalCpus).toBeGreaterThan(0);
    expect(host.availableParallelism).toBeGreaterThan(0);
    expect(host.memoryBytes).toBeGreaterThan(2 ** 20);
    expect(typeof host.cpuModel).toBe('string');
    expect(host.onnxruntime).toMatch(/^\d+\.\d+\.\d+/);
    await api(t).get('/v1/platforms/host').expect(401);
  });

  it('profiles a model as a job with progress, and stores per-node and whole-model latencies once', async () => {
    const job = await runJob(t, key, '/v1/platforms/this-host/profile', {
      modelId: squeezenet,
      runs: 12,
      warmup: 2,
      threads: 1,
    });
    expect(job).toMatchObject({ kind: 'profile', state: 'succeeded', progress: 1, error: null, attempts: 1 });
    const progress = job.seen.map((j) => j.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(job.seen.some((j) => j.state === 'queued' || j.state === 'running')).toBe(true);

    const ingested = await ingestOnnx(createReadStream(fixturePath('models', 'squeezenet1_1.onnx')));
    const result = job.result as {
      nodesMeasured: number;
      nodesNotRun: number;
      runs: number;
      threads: number;
      wholeModelMs: { median: number; p10: number; p90: number };
      sumOfNodeMediansMs: number;
      sumOverWhole: number;
    };
    expect(result).toMatchObject({ runs: 12, threads: 1 });
    expect(result.nodesMeasured + result.nodesNotRun).toBe(ingested.features.length);
    expect(result.wholeModelMs.p10).toBeLessThanOrEqual(result.wholeModelMs.median);
    expect(result.wholeModelMs.median).toBeLessThanOrEqual(result.wholeModelMs.p90);
    expect(result.sumOverWhole).toBeCloseTo(result.sumOfNodeMediansMs / result.wholeModelMs.median, 9);

    const rows = await measurements('this-host', squeezenet);
    expect(rows).toHaveLength(result.nodesMeasured);
    for (const r of rows) {
      expect(r).toMatchObject({ source: 'self-profile', runs: 12, jobId: job.id });
      expect(r.p10Us).toBeLessThanOrEqual(r.medianUs);
      expect(r.p90Us).toBeGreaterThanOrEqual(r.medianUs);
    }
    const sumMs = rows.reduce((s, r) => s + r.medianUs, 0) / 1000;
    expect(sumMs).toBeCloseTo(result.sumOfNodeMediansMs, 6);
    const whole = await t.dataSource.query(
      'SELECT median_ms, runs, source, job_id FROM whole_model_measurements WHERE model_id = $1',
      [squeezenet],
    );
    expect(whole).toEqual([
      { median_ms: result.wholeModelMs.median, runs: 12, source: 'self-profile', job_id: job.id },
    ]);

    // Measured on this host, the model's latencies now come from the profile (constant nodes cost 0 in plans).
    const layers: { name: string; isConstant: boolean }[] = (
      await api(t).get(`/v1/models/${squeezenet}/layers`).set(bearer(key)).expect(200)
    ).body.items;
    const constant = new Set(layers.filter((l) => l.isConstant).map((l) => l.name));
    const predicted = await api(t)
      .post('/v1/predictions')
      .set(bearer(key))
      .send({ modelId: squeezenet, platform: 'this-host' })
      .expect(200);
    const computeMs = rows.filter((r) => !constant.has(r.node)).reduce((s, r) => s + r.medianUs, 0) / 1000;
    expect(predicted.body.totalMs).toBeCloseTo(computeMs, 6);

    // Profiling again replaces the rows: still one per node, now the second job's.
    // Without `threads` the worker that runs the job picks its own parallelism (here: this process).
    const again = await runJob(t, key, '/v1/platforms/this-host/profile', { modelId: squeezenet, runs: 3 });
    const host = (await api(t).get('/v1/platforms/host').set(bearer(key)).expect(200)).body;
    expect(again.params).toMatchObject({ threads: null });
    expect(again.result).toMatchObject({ threads: host.availableParallelism });
    const replaced = await measurements('this-host', squeezenet);
    expect(replaced).toHaveLength(result.nodesMeasured);
    expect(new Set(replaced.map((r) => r.jobId))).toEqual(new Set([again.id]));
  });

  it('fails a job whose model has an op ONNX Runtime cannot run, naming the op, and stores nothing', async () => {
    const bytes = buildModel({
      nodes: [node('Relu', ['x'], ['h']), node('TotallyMadeUpOp', ['h'], ['y'], {}, { name: 'strange' })],
      inputs: [value('x', [1, 4], OnnxDataType.FLOAT)],
      outputs: [value('y', [1, 4], OnnxDataType.FLOAT)],
    });
    const modelId = (
      await api(t).post('/v1/models').set(bearer(key)).attach('file', Buffer.from(bytes), 'odd.onnx').expect(201)
    ).body.id;
    const job = await runJob(t, key, '/v1/platforms/this-host/profile', { modelId, runs: 2 });
    expect(job).toMatchObject({ state: 'failed', attempts: 1, result: null });
    expect(job.error).toMatch(/TotallyMadeUpOp/);
    expect(await measurements('this-host', modelId)).toEqual([]);
    expect(
      await t.dataSource.query('SELECT count(*)::int AS n FROM whole_model_measurements WHERE model_id = $1', [
        modelId,
      ]),
    ).toEqual([{ n: 0 }]);
  });

  it.each([
    [{ runs: 0 }, /runs/],
    [{ runs: 1001 }, /runs/],
    [{ runs: 2.5 }, /runs/],
    [{ runs: 'many' }, /runs/],
    [{ threads: 0 }, /threads/],
    [{ threads: -4 }, /threads/],
    [{ warmup: -1 }, /warmup/],
    [{ modelId: 'not-a-uuid' }, /modelId/],
    [{ extra: true }, /extra/],
  ])('rejects %j with a 400 naming the field', async (patch, field) => {
    const before = (await api(t).get('/v1/jobs').set(bearer(key))).body.total;
    const res = await api(t)
      .post('/v1/platforms/this-host/profile')
      .set(bearer(key))
      .send({ modelId: squeezenet, ...patch })
      .expect(400);
    expect(res.body.message).toMatch(field);
    expect((await api(t).get('/v1/jobs').set(bearer(key))).body.total).toBe(before);
  });

  it('refuses reference platforms (409), derived platforms (409), unknown models and platforms (404)', async () => {
    const refused = await api(t)
      .post('/v1/platforms/ref-cpu1/profile')
      .set(bearer(key))
      .send({ modelId: squeezenet })
      .expect(409);
    expect(refused.body).toMatchObject({ code: 'REFERENCE_PLATFORM', message: expect.stringMatching(/read-only/) });
    await api(t)
      .post('/v1/platforms')
      .set(bearer(key))
      .send({ slug: 'slow-host', name: 'Slow', kind: 'cpu', derivedFrom: 'this-host', scale: 3 })
      .expect(201);
    expect(
      (await api(t).post('/v1/platforms/slow-host/profile').set(bearer(key)).send({ modelId: squeezenet }).expect(409))
        .body.code,
    ).toBe('DERIVED_PLATFORM');
    await api(t)
      .post('/v1/platforms/this-host/profile')
      .set(bearer(key))
      .send({ modelId: '00000000-0000-4000-8000-000000000000' })
      .expect(404);
    await api(t).post('/v1/platforms/nowhere/profile').set(bearer(key)).send({ modelId: squeezenet }).expect(404);
  });

  it("lists the tenant's jobs newest first and hides them from other tenants", async () => {
    const mine = (await api(t).get('/v1/jobs?limit=2').set(bearer(key)).expect(200)).body;
    expect(mine.total).toBeGreaterThanOrEqual(3);
    expect(mine.items).toHaveLength(2);
    expect(Date.parse(mine.items[0].createdAt)).toBeGreaterThanOrEqual(Date.parse(mine.items[1].createdAt));
    const other = await createTenantKey(t, 'profiler-other');
    expect((await api(t).get('/v1/jobs').set(bearer(other.key)).expect(200)).body).toEqual({ items: [], total: 0 });
    const res = await api(t).get(`/v1/jobs/${mine.items[0].id}`).set(bearer(other.key)).expect(404);
    expect(res.body.code).toBe('JOB_NOT_FOUND');
    await api(t).get('/v1/jobs/00000000-0000-4000-8000-000000000000').set(bearer(key)).expect(404);
    await api(t).get('/v1/jobs/not-a-uuid').set(bearer(key)).expect(400);
    await api(t).get('/v1/jobs').expect(401);
    await api(t).get('/v1/jobs?limit=0').set(bearer(key)).expect(400);
    // Filters: by state and by kind, each checked against the listed rows; unknown values are a 400.
    const failed = (await api(t).get('/v1/jobs?state=failed').set(bearer(key)).expect(200)).body;
    expect(failed.total).toBeGreaterThanOrEqual(1);
    expect(failed.items.every((j: { state: string }) => j.state === 'failed')).toBe(true);
    const profiles = (await api(t).get('/v1/jobs?kind=profile&state=succeeded').set(bearer(key)).expect(200)).body;
    expect(profiles.total).toBe(2);
    expect(profiles.items.every((j: { kind: string }) => j.kind === 'profile')).toBe(true);
    expect((await api(t).get('/v1/jobs?state=done').set(bearer(key)).expect(400)).body.message).toMatch(/state/);
    expect((await api(t).get('/v1/jobs?kind=bake').set(bearer(key)).expect(400)).body.message).toMatch(/kind/);
    // Another tenant cannot profile onto this tenant's platform either.
    await api(t)
      .post('/v1/platforms/this-host/profile')
      .set(bearer(other.key))
      .send({ modelId: squeezenet })
      .expect(404);
    expect((await waitForJob(t, key, mine.items[0].id)).state).toMatch(/succeeded|failed/);
  });
});
