/** Small factories for e2e specs: real rows made through the API, as a client would make them. */
import { readFileSync } from 'node:fs';
import { fixturePath } from './fixtures';
import { api, bearer, TestApp } from './test-app';

export async function uploadModel(t: TestApp, key: string, dir: string, file: string): Promise<string> {
  const bytes = readFileSync(fixturePath(dir, file));
  return (await api(t).post('/v1/models').set(bearer(key)).attach('file', bytes, file).expect(201)).body.id;
}

/** Three tiers on the tenant's own platforms with a slow first link, the usual shape of a plan request. */
export const THREE_TIERS = {
  tiers: [
    { name: 'end', platform: 'phone' },
    { name: 'edge', platform: 'edge-box' },
    { name: 'cloud', platform: 'cloud-gpu' },
  ],
  links: [
    { uplinkMbps: 2, downlinkMbps: 10, rttMs: 20 },
    { uplinkMbps: 100, downlinkMbps: 100, rttMs: 40 },
  ],
};

/**
 * mnist uploaded and measured on a `phone` platform from the real ONNX Runtime trace, with `edge-box` and
 * `cloud-gpu` derived from it 8× and 40× faster: every tier of THREE_TIERS has latencies without a predictor.
 */
export async function measuredMnistOnThreeTiers(t: TestApp, key: string): Promise<string> {
  const modelId = await uploadModel(t, key, 'third_party', 'mnist.onnx');
  await api(t).post('/v1/platforms').set(bearer(key)).send({ slug: 'phone', name: 'Phone', kind: 'cpu' }).expect(201);
  await api(t)
    .post('/v1/platforms/phone/measurements')
    .set(bearer(key))
    .field('modelId', modelId)
    .attach('trace', readFileSync(fixturePath('traces', 'mnist-ort-trace.json')), 'trace.json')
    .expect(201);
  for (const [slug, scale] of [
    ['edge-box', 1 / 8],
    ['cloud-gpu', 1 / 40],
  ] as const) {
    await api(t)
      .post('/v1/platforms')
      .set(bearer(key))
      .send({ slug, name: slug, derivedFrom: 'phone', scale })
      .expect(201);
  }
  return modelId;
}

export interface JobBody {
  id: string;
  kind: string;
  state: 'queued' | 'running' | 'succeeded' | 'failed';
  progress: number;
  message: string | null;
  params: Record<string, unknown>;
  result: Record<string, unknown> | null;
  error: string | null;
  attempts: number;
}

/** Polls GET /v1/jobs/{id} until the job succeeds or fails; every state seen is kept, in order, for the asserts. */
export async function waitForJob(
  t: TestApp,
  key: string,
  jobId: string,
  timeoutMs = 60_000,
): Promise<JobBody & { seen: JobBody[] }> {
  const seen: JobBody[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = (await api(t).get(`/v1/jobs/${jobId}`).set(bearer(key)).expect(200)).body as JobBody;
    seen.push(job);
    if (job.state === 'succeeded' || job.state === 'failed') return { ...job, seen };
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.state} after ${timeoutMs} ms: ${job.message}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts a job with a POST that answers 202, then waits for it; the job's final body. */
export async function runJob(
  t: TestApp,
  key: string,
  path: string,
  body?: object,
): Promise<JobBody & { seen: JobBody[] }> {
  const res = await api(t)
    .post(path)
    .set(bearer(key))
    .send(body ?? {})
    .expect(202);
  expect(res.headers.location).toBe(`/v1/jobs/${res.body.jobId}`);
  return waitForJob(t, key, res.body.jobId as string);
}
