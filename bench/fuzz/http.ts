/** The two calls the upload fuzzer makes, over plain node:http with a timeout: a status and a time, never a throw. */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';

export interface Outcome {
  /** HTTP status, or 0 when no response came (connection refused or reset, timeout). */
  status: number;
  ms: number;
  body: unknown;
  error?: string;
}

function send(url: string, path: string, headers: Record<string, string | number>, body: Buffer, timeoutMs: number) {
  const started = performance.now();
  return new Promise<Outcome>((resolve) => {
    const done = (o: Omit<Outcome, 'ms'>): void => resolve({ ...o, ms: performance.now() - started });
    const req = request(new URL(path, url), { method: 'POST', headers, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => done({ status: 0, body: undefined, error: e.message }));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          // not JSON: kept as text
        }
        done({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => done({ status: 0, body: undefined, error: e.message }));
    req.end(body);
  });
}

export function uploadBytes(url: string, token: string, bytes: Uint8Array, timeoutMs: number): Promise<Outcome> {
  const boundary = `----tiersplit-fuzz-${randomBytes(12).toString('hex')}`;
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="fuzz.onnx"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    ),
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const headers = {
    Authorization: `Bearer ${token}`,
    'Content-Type': `multipart/form-data; boundary=${boundary}`,
    'Content-Length': body.length,
  };
  return send(url, '/v1/models', headers, body, timeoutMs);
}

export function postJson(url: string, path: string, token: string, json: unknown, timeoutMs: number): Promise<Outcome> {
  const body = Buffer.from(JSON.stringify(json));
  const headers = {
    Authorization: `Bearer ${token}`,
    'Content-Type': 'application/json',
    'Content-Length': body.length,
  };
  return send(url, path, headers, body, timeoutMs);
}
