import { INestApplication, INestApplicationContext, LogLevel, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { DomainExceptionFilter } from './common/domain-exception.filter';
import { inputGuardMiddleware } from './common/input-guard.middleware';
import { requestIdMiddleware } from './common/request-id.middleware';
import { validationException } from './common/validate-body';
import { AppConfig } from './config/env.schema';
import { DatabaseUnavailableFilter } from './database/database-unavailable.filter';
import { applyHttpHardening } from './limits/http-hardening';
import { applyObservability } from './observability/apply-observability';

/** Largest JSON body accepted. */
export const JSON_BODY_LIMIT = '16mb';

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

/** Builds the app exactly as `npm start` serves it; tests and the OpenAPI script use the same function. */
export async function createApp(config: AppConfig, options: { preview?: boolean } = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: LEVELS.slice(0, LEVELS.indexOf(config.LOG_LEVEL) + 1),
    preview: options.preview,
    abortOnError: false,
    // Uploads are multipart streams read by busboy; JSON bodies get the parser below.
    bodyParser: false,
    // Boot messages wait for the JSON logger that applyObservability installs.
    bufferLogs: true,
  });
  applyObservability(app);
  // Measurement lists of big models run to megabytes (100k nodes × ~100 bytes); beyond this a client should send
  // an ONNX Runtime trace as a file instead.
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT });
  app.use(requestIdMiddleware);
  app.use(inputGuardMiddleware);
  applyHttpHardening(app, config);
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: validationException,
    }),
  );
  // Later filters are tried first: an unreachable database (503), domain codes, then the catch-all.
  app.useGlobalFilters(new AllExceptionsFilter(), new DomainExceptionFilter(), new DatabaseUnavailableFilter());
  // SIGTERM is handled by drainOnSignals (main.ts), which finishes in-flight work before closing the app.
  SwaggerModule.setup('docs', app, () => buildOpenApi(app), { jsonDocumentUrl: 'docs-json' });
  return app;
}

/**
 * A process that only runs jobs: the same modules without HTTP. It needs a database other processes can reach
 * (DATABASE_URL); the API seeds the reference data and bootstraps the admin key, so the worker does neither.
 */
export async function createWorker(config: AppConfig): Promise<INestApplicationContext> {
  const context = await NestFactory.createApplicationContext(
    AppModule.forRoot({ ...config, WORKERS: Math.max(1, config.WORKERS), SEED_REFERENCE: false }, 'worker'),
    { logger: LEVELS.slice(0, LEVELS.indexOf(config.LOG_LEVEL) + 1), abortOnError: false, bufferLogs: true },
  );
  applyObservability(context);
  await context.init();
  return context;
}

export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('tiersplit')
    .setDescription(
      'Partitioning-as-a-service: upload an ONNX model, describe the end/edge/cloud network, get the latency-optimal split.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key (POST /v1/api-keys, admin)' })
    .build();
  return SwaggerModule.createDocument(app, config);
}
