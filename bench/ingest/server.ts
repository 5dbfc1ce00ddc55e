/** The tiersplit server as a child process, and the few HTTP calls the ingest bench makes to it. */
import { randomBytes } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { request } from 'node:http';
import { LineChild } from './child';
import { withTimeout } from './proc';

const START_MS = 90_000;
const CALL_MS = 30_000;

export interface Response {
  status: number;
  body: unknown;
}

export interface RunningServer {
  child: LineChild;
  url: string;
}

/** Starts `node dist/src/main.js` on a free loopback port and returns once it logs its address. */
export async function startServer(dataDir: string, adminKey: string): Promise<RunningServer> {
  const child = new LineChild(process.execPath, ['dist/src/main.js'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      TIERSPLIT_ADMIN_KEY: adminKey,
      LOG_LEVEL: 'log',
    },
  });
  try {
    const match = await child.waitFor(/listening on (http:\/\/[^\s)]+)/, START_MS, 'server start');
    return { child, url: match[1] };
  } catch (error) {
    await child.stop();
    throw error;
  }
}

/** Sends `write`'s body and resolves with the parsed response; the clock runs from the request to the last byte. */
function send(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string | number>,
  write: (req: ReturnType<typeof request>) => void,
  ms: number,
): Promise<Response & { seconds: number }> {
  const started = performance.now();
  let req: ReturnType<typeof request> | undefined;
  const done = new Promise<Response & { seconds: number }>((resolve, reject) => {
    req = request(new URL(path, url), { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const seconds = (performance.now() - started) / 1000;
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          // not JSON: keep the text for the error message
        }
        resolve({ status: res.statusCode ?? 0, body, seconds });
      });
    });
    req.on('error', reject);
    write(req);
  });
  return withTimeout(done, ms, `${method} ${path}`).catch((error: unknown) => {
    req?.destroy();
    throw error;
  });
}

export function callJson(url: string, method: string, path: string, token: string, json?: unknown): Promise<Response> {
  const body = json === undefined ? '' : JSON.stringify(json);
  const headers = {
    Authorization: `Bearer ${token}`,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
  };
  return send(url, method, path, headers, (req) => req.end(body), CALL_MS);
}

/** POST /v1/models with the file streamed from disk as multipart field `file` (never read into memory whole). */
export function uploadModel(
  url: string,
  token: string,
  filePath: string,
  name: string,
  ms: number,
): Promise<Response & { seconds: number }> {
  const boundary = `----tiersplit-bench-${randomBytes(12).toString('hex')}`;
  const preamble = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\n${name}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}.onnx"\r\n` +
      `Content-Type: application/octet-stream\r\n\r\n`,
  );
  const epilogue = Buffer.from(`\r\n--${boundary}--\r\n`);
  const headers = {
    Authorization: `Bearer ${token}`,
    'Content-Type': `multipart/form-data; boundary=${boundary}`,
    'Content-Length': preamble.length + statSync(filePath).size + epilogue.length,
  };
  return send(
    url,
    'POST',
    '/v1/models',
    headers,
    (req) => {
      req.write(preamble);
      const file = createReadStream(filePath, { highWaterMark: 1 << 20 });
      file.on('error', (error) => req.destroy(error));
      file.on('end', () => req.end(epilogue));
      file.pipe(req, { end: false });
    },
    ms,
  );
}
