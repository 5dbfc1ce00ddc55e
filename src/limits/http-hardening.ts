import type { INestApplication } from '@nestjs/common';
import helmet from 'helmet';
import type { AppConfig } from '../config/env.schema';

/**
 * Security headers on every response (helmet's defaults: its CSP allows Swagger UI, whose scripts and styles are
 * served from /docs itself), and CORS only when CORS_ORIGINS names who may call from a browser.
 */
export function applyHttpHardening(app: INestApplication, config: AppConfig): void {
  app.use(helmet());
  if (config.CORS_ORIGINS) {
    app.enableCors({
      origin: config.CORS_ORIGINS === '*' ? '*' : config.CORS_ORIGINS.split(','),
      methods: ['GET', 'POST', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
      exposedHeaders: ['X-Request-Id', 'Retry-After', 'Location'],
      maxAge: 600,
    });
  }
}
