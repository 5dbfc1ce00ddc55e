/** Child processes of the ingest bench, driven through lines on their stdout. */
import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import { withTimeout } from './proc';

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/** A child whose stdout lines are kept (ANSI colours removed), so a caller can wait for one matching a pattern. */
export class LineChild {
  readonly process: ChildProcess;
  private readonly lines: string[] = [];
  private stderr = '';
  private waiter?: () => void;
  private exited = false;

  constructor(command: string, args: string[], options: SpawnOptions = {}) {
    this.process = spawn(command, args, { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
    let partial = '';
    // Reading stdout and stderr all the time also keeps a chatty child from blocking on a full pipe.
    this.process.stdout!.on('data', (chunk: Buffer) => {
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop()!;
      this.lines.push(...parts.map((line) => line.replace(ANSI, '')));
      this.waiter?.();
    });
    this.process.stderr!.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-4000)));
    this.process.on('exit', () => {
      this.exited = true;
      this.waiter?.();
    });
  }

  get pid(): number {
    return this.process.pid!;
  }

  /** The first line (not yet taken) matching `pattern`, or a rejection on exit or after `ms`. */
  async waitFor(pattern: RegExp, ms: number, what: string): Promise<RegExpExecArray> {
    const find = (): RegExpExecArray | undefined => {
      for (let i = 0; i < this.lines.length; i++) {
        const match = pattern.exec(this.lines[i]);
        if (match) {
          this.lines.splice(0, i + 1);
          return match;
        }
      }
      return undefined;
    };
    const found = new Promise<RegExpExecArray>((resolve, reject) => {
      const check = (): void => {
        const match = find();
        if (match) return resolve(match);
        if (this.exited) reject(new Error(`${what}: the child exited first. stderr:\n${this.stderr}`));
      };
      this.waiter = check;
      check();
    });
    return withTimeout(found, ms, what).finally(() => (this.waiter = undefined));
  }

  send(line: string): void {
    this.process.stdin!.write(`${line}\n`);
  }

  /** SIGTERM, then SIGKILL if it is still there after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    this.process.stdin!.end();
    this.process.kill('SIGTERM');
    await withTimeout(gone, graceMs, 'child stop').catch(() => this.process.kill('SIGKILL'));
  }
}
