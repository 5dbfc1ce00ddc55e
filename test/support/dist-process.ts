/**
 * Runs the built service (`dist/`, what `npm start` and `npm run worker` run) as a child process. Build first
 * (`npm test` does, in pretest).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './child-service';

const DIST = join(__dirname, '..', '..', 'dist', 'src');

export interface DistProcess {
  child: ChildProcess;
  /** The API's base URL (a worker has none worth calling). */
  url: string;
  output(): string;
  exited: Promise<number | null>;
  /** Sends the signal (if it still runs) and resolves with the exit code, or the signal name. */
  stop(signal?: NodeJS.Signals): Promise<number | string | null>;
}

export async function spawnDist(entry: 'main' | 'worker', env: Record<string, string>): Promise<DistProcess> {
  const port = await freePort();
  let log = '';
  const child = spawn(process.execPath, [join(DIST, `${entry}.js`)], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const ended = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    output: () => log,
    exited: ended.then((e) => e.code),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const e = await ended;
      return e.code ?? e.signal;
    },
  };
}

/** Resolves once `path` answers 2xx; rejects with the child's output if it exits or the time runs out. */
export async function untilAnswers(p: DistProcess, path = '/ready', timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (p.child.exitCode !== null) throw new Error(`exited with ${p.child.exitCode}:\n${p.output()}`);
    try {
      if ((await fetch(`${p.url}${path}`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${path} did not answer within ${timeoutMs} ms:\n${p.output()}`);
}
