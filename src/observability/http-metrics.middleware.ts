import { performance } from 'node:perf_hooks';
import type { NextFunction, Request, Response } from 'express';
import type { MetricsService } from './metrics.service';

/** Label of a request no route matched (a 404 for an unknown path), so random URLs cannot explode the series. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Nest mounts module middleware (the request logger) as a catch-all route, so a request no controller took still
 * has this pattern when it ends.
 */
const CATCH_ALL = '/{*path}';

/** Times every request to its response's end and labels it with the matched route pattern. */
export function httpMetricsMiddleware(metrics: MetricsService) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const startedAt = performance.now();
    res.once('finish', () => {
      const pattern = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof pattern === 'string' && pattern !== CATCH_ALL ? `${req.baseUrl}${pattern}` : UNMATCHED_ROUTE;
      metrics.observeRequest(req.method, route, res.statusCode, (performance.now() - startedAt) / 1000);
    });
    next();
  };
}
