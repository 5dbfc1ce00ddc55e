/**
 * Self-profiling synthesises the weights a graph-only upload declared: above PROFILE_MAX_SYNTH_BYTES or
 * PROFILE_MAX_NODES the job fails at once with the reason and is not retried (issue 12).
 */
import { runJob, uploadModel } from './support/factories';
import { api, bearer, createTenantKey, startTestApp, TestApp } from './support/test-app';

describe('self-profiling limits (e2e)', () => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    // squeezenet's weights are 4.7 MB: over a 1 MiB cap; its 66 nodes are under the node cap.
    t = await startTestApp({ PROFILE_MAX_SYNTH_BYTES: 2 ** 20, PROFILE_MAX_NODES: 1000, JOB_RETRY_LIMIT: 2 });
    key = (await createTenantKey(t, 'profile-limits')).key;
    await api(t)
      .post('/v1/platforms')
      .set(bearer(key))
      .send({ slug: 'tiny-host', name: 'CI', kind: 'cpu' })
      .expect(201);
  });
  afterAll(() => t.close());

  it('fails a profile whose weights exceed the cap on its first attempt, naming the cap, and writes nothing', async () => {
    const modelId = await uploadModel(t, key, 'models', 'squeezenet1_1.onnx');
    const job = await runJob(t, key, '/v1/platforms/tiny-host/profile', { modelId, runs: 3, warmup: 1, threads: 1 });
    expect(job).toMatchObject({ state: 'failed', attempts: 1 });
    expect(job.error).toMatch(
      /MiB to synthesise, more than the 1\.0 MiB self-profiling allows \(PROFILE_MAX_SYNTH_BYTES\)/,
    );
    expect(job.seen.every((j) => j.state !== 'queued' || j.attempts <= 1)).toBe(true);
    const [row] = await t.dataSource.query('SELECT count(*)::int AS n FROM measurements WHERE model_id = $1', [
      modelId,
    ]);
    expect(row.n).toBe(0);
  });
});
