/**
 * SIGTERM on the built server (`dist/`): it stops accepting connections at once, lets the request in flight
 * finish (an upload still streaming in when the signal came), then closes and exits 0. A request that outlives
 * SHUTDOWN_GRACE_SECONDS does not hold the process: it exits 1 at the deadline.
 */
import { request as httpRequest, IncomingMessage } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateApiKey } from '../src/auth/api-key.codec';
import { DistProcess, spawnDist, untilAnswers } from './support/dist-process';
import { fixturePath } from './support/fixtures';

const BOUNDARY = 'tiersplit-shutdown-boundary';

/** Starts a multipart upload of `file` and sends only its first half; `finish()` sends the rest. */
function halfUpload(url: string, key: string, file: Buffer) {
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="m.onnx"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  const req = httpRequest(`${url}/v1/models`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${key}`,
      'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`,
      'Content-Length': head.length + file.length + tail.length,
    },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res: IncomingMessage) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
  response.catch(() => undefined);
  req.write(head);
  req.write(file.subarray(0, file.length >> 1));
  return {
    response,
    finish() {
      req.end(Buffer.concat([file.subarray(file.length >> 1), tail]));
    },
  };
}

const refused = async (url: string): Promise<boolean> => {
  try {
    await fetch(`${url}/health`);
    return false;
  } catch {
    return true;
  }
};

describe('graceful shutdown on SIGTERM (built server)', () => {
  const adminKey = generateApiKey();
  const dirs: string[] = [];
  const started: DistProcess[] = [];
  const model = readFileSync(fixturePath('graphs', 'resnet18.onnx'));

  const boot = async (grace: number) => {
    const dir = mkdtempSync(join(tmpdir(), 'tiersplit-shutdown-'));
    dirs.push(dir);
    const p = await spawnDist('main', {
      DATA_DIR: dir,
      TIERSPLIT_ADMIN_KEY: adminKey,
      SEED_REFERENCE: 'false',
      SHUTDOWN_GRACE_SECONDS: String(grace),
      ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
    });
    started.push(p);
    await untilAnswers(p);
    return p;
  };

  afterAll(async () => {
    for (const p of started) await p.stop('SIGKILL');
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('stops accepting, finishes the upload in flight, then exits 0', async () => {
    const p = await boot(30);
    const upload = halfUpload(p.url, adminKey, model);
    await new Promise((r) => setTimeout(r, 500));
    p.child.kill('SIGTERM');
    const deadline = Date.now() + 5_000;
    while (!(await refused(p.url)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await refused(p.url)).toBe(true);
    expect(p.child.exitCode).toBeNull();
    upload.finish();
    const res = await upload.response;
    expect({ status: res.status, name: JSON.parse(res.body).name }).toEqual({ status: 201, name: 'm' });
    expect(await p.exited).toBe(0);
  }, 240_000);

  it('exits 1 at the end of the grace period when a request never finishes', async () => {
    const p = await boot(2);
    halfUpload(p.url, adminKey, model);
    await new Promise((r) => setTimeout(r, 500));
    const signalled = Date.now();
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(1);
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(1_500);
    expect(Date.now() - signalled).toBeLessThan(15_000);
  }, 240_000);
});
