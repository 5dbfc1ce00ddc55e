import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createWorker } from './app.factory';
import { loadConfigOrExit } from './config/env.schema';
import { drainOnSignals } from './health/graceful-shutdown';

/** `npm run worker`: runs queued jobs (profiling, training) beside any number of API instances. */
async function main(): Promise<void> {
  const config = loadConfigOrExit(process.env);
  if (!config.DATABASE_URL) {
    process.stderr.write(
      'npm run worker needs DATABASE_URL: the embedded database lives inside the API process, which runs jobs ' +
        'itself (WORKERS). Point the API and every worker at one PostgreSQL to run workers apart.\n',
    );
    process.exit(2);
  }
  drainOnSignals(await createWorker(config), config.SHUTDOWN_GRACE_SECONDS);
  new Logger('tiersplit').log(`worker running up to ${Math.max(1, config.WORKERS)} job(s) at once`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `tiersplit worker failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
