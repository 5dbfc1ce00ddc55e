import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'tiersplit.pid';

/** Another live process serves the embedded database in this DATA_DIR. */
export class DataDirInUseError extends Error {}

/**
 * One process per embedded database directory, marked by a pid file. A file left by a process that died (a crash,
 * SIGKILL) names a pid that no longer runs, or this very process after a container restart: it is taken over.
 */
export class DataDirLock {
  private constructor(private readonly file: string) {}

  static acquire(dir: string): DataDirLock {
    const file = join(dir, LOCK_FILE);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
        return new DataDirLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = Number.parseInt(readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isRunning(holder)) {
        throw new DataDirInUseError(
          `the embedded database in ${dir} is in use by process ${holder}: it serves one process. ` +
            'To run several instances, point all of them at one PostgreSQL server with DATABASE_URL.',
        );
      }
      rmSync(file, { force: true });
    }
    throw new DataDirInUseError(`could not take ${file}: another process is starting on ${dir}`);
  }

  release(): void {
    try {
      if (Number.parseInt(readFileSync(this.file, 'utf8'), 10) === process.pid) rmSync(this.file, { force: true });
    } catch {
      // already gone
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user, so it is running.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
