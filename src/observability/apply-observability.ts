import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { httpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsService } from './metrics.service';

/** Routes Nest's own logging through pino (JSON, request id) and, for an HTTP app, times every request. */
export function applyObservability(app: INestApplication | INestApplicationContext): void {
  app.useLogger(app.get(Logger));
  if ('use' in app) app.use(httpMetricsMiddleware(app.get(MetricsService)));
}
