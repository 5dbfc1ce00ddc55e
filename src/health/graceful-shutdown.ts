import type { Server } from 'node:http';
import { INestApplicationContext, Logger } from '@nestjs/common';
import { JobQueue } from '../jobs/job-queue';
import { ReadinessService } from './readiness';

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * On SIGTERM (or SIGINT): /ready turns 503, the HTTP server stops accepting connections, in-flight requests and
 * running jobs get up to `graceSeconds` to finish, then the app closes (database last) and the process exits 0.
 * Past the grace period it exits 1 anyway; a job cut off then is retried by another worker. `server` is absent
 * for a worker, which serves no HTTP.
 */
export function drainOnSignals(app: INestApplicationContext, graceSeconds: number, server?: Server): void {
  const logger = new Logger('Shutdown');
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: draining for up to ${graceSeconds} s`);
    const deadline = setTimeout(() => {
      logger.error(`grace period of ${graceSeconds} s over: exiting with work still under way`);
      process.exit(1);
    }, graceSeconds * 1000);
    drain(app, graceSeconds * 1000, server)
      .then(() => app.close())
      .then(
        () => {
          clearTimeout(deadline);
          process.exit(0);
        },
        (error: unknown) => {
          logger.error(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
          process.exit(1);
        },
      );
  };
  for (const signal of SIGNALS) process.once(signal, onSignal);
}

async function drain(app: INestApplicationContext, graceMs: number, server?: Server): Promise<void> {
  app.get(ReadinessService, { strict: false }).startDraining();
  await Promise.all([closeServer(server), app.get(JobQueue, { strict: false }).drain(graceMs)]);
}

/** Stops accepting, lets in-flight requests finish, and closes keep-alive connections as soon as they idle. */
function closeServer(server: Server | undefined): Promise<void> {
  if (!server?.listening) return Promise.resolve();
  return new Promise((resolve) => {
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    server.close(() => {
      clearInterval(idle);
      resolve();
    });
  });
}
