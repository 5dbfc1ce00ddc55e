/**
 * Runs the service (or a worker) as a real child process from the current sources, so a spec can kill it
 * mid-job the way a crash would, and start another on the same database.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface ChildService {
  process: ChildProcess;
  url: string;
  /** Everything it printed, for failure messages. */
  output(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Starts `src/main.ts` (entry 'api') or `src/worker.ts` ('worker'); for the API, resolves once /health answers. */
export async function startChild(
  entry: 'api' | 'worker',
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<ChildService> {
  const port = await freePort();
  let log = '';
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bench', 'run-ts.js'), join(ROOT, 'src', entry === 'api' ? 'main.ts' : 'worker.ts')],
    {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const service: ChildService = {
    process: child,
    url: `http://127.0.0.1:${port}`,
    output: () => log,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  if (entry === 'worker') return service;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}:\n${log}`);
    try {
      if ((await fetch(`${service.url}/health`)).ok) return service;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await service.kill('SIGKILL');
  throw new Error(`the service did not answer /health within ${timeoutMs} ms:\n${log}`);
}
