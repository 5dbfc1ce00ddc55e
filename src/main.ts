import 'reflect-metadata';
import type { Server } from 'node:http';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { loadConfigOrExit } from './config/env.schema';
import { drainOnSignals } from './health/graceful-shutdown';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit(process.env);
  const app = await createApp(config);
  await app.listen(config.PORT, config.HOST);
  drainOnSignals(app, config.SHUTDOWN_GRACE_SECONDS, app.getHttpServer() as Server);
  const url = (await app.getUrl()).replace('[::1]', 'localhost').replace('0.0.0.0', 'localhost');
  new Logger('tiersplit').log(
    `listening on ${url} (${config.DATABASE_URL ? 'PostgreSQL at DATABASE_URL' : `embedded database in ${config.DATA_DIR}`}); Swagger UI at ${url}/docs`,
  );
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    `tiersplit failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
