import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { errorBody } from '../common/error-body';
import type { RequestWithId } from '../common/request-id.middleware';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from './database-unavailable';

/**
 * Matches by what an error says rather than by its class: the driver throws plain Errors with a code, TypeORM
 * wraps some of them. Nest picks a filter with `instanceof`, which this hook answers.
 */
class DatabaseUnavailable {
  static [Symbol.hasInstance](error: unknown): boolean {
    return isDatabaseUnavailable(error);
  }
}

/**
 * The one place where "the database cannot be reached" becomes an answer: 503 with Retry-After, whatever route,
 * guard or service ran into it, never a 500. Registered after the other filters, so it is tried first.
 */
@Catch(DatabaseUnavailable)
export class DatabaseUnavailableFilter implements ExceptionFilter {
  private readonly logger = new Logger('Database');

  catch(error: Error, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<RequestWithId>();
    const res = http.getResponse<Response>();
    this.logger.warn(
      `request ${req.requestId} ${req.method} ${req.originalUrl}: database unavailable (${error.message})`,
    );
    if (res.headersSent) return;
    res
      .status(HttpStatus.SERVICE_UNAVAILABLE)
      .setHeader('Retry-After', String(RETRY_AFTER_SECONDS))
      .json(
        errorBody(HttpStatus.SERVICE_UNAVAILABLE, 'the database is unreachable; retry shortly', {
          code: 'DATABASE_UNAVAILABLE',
          requestId: req.requestId,
        }),
      );
  }
}
