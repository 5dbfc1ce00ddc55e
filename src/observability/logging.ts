import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from '../config/env.schema';
import type { RequestWithId } from '../common/request-id.middleware';

/** The service's LOG_LEVEL names (Nest's) in pino's terms. */
const PINO_LEVEL: Record<AppConfig['LOG_LEVEL'], string> = {
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/**
 * JSON lines on stdout. Inside a request every line, the access line included, carries `requestId`: the id the
 * request-id middleware chose (the caller's when sane). Requests are logged by method, URL and status only:
 * headers, and so API keys, never reach the log.
 */
export function loggingParams(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: PINO_LEVEL[config.LOG_LEVEL],
      genReqId: (req: IncomingMessage) => (req as RequestWithId).requestId ?? randomUUID(),
      customProps: (req: IncomingMessage) => ({ requestId: (req as RequestWithId).requestId }),
      serializers: {
        req: (req: { method?: string; url?: string }) => ({ method: req.method, url: req.url }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
      // A 4xx is the client's problem, not an incident: warn; a 5xx is an error.
      customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      redact: { paths: ['req.headers.authorization', 'headers.authorization'], censor: '[redacted]' },
    },
  };
}
