import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { errorBody } from './error-body';
import type { RequestWithId } from './request-id.middleware';

/**
 * Last line: framework HTTP errors (validation, unknown route, body parser) keep their status and message in the
 * API's error shape; anything else is a 500 that hides internals from the caller and logs them with the request id.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Unhandled');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<RequestWithId>();
    const res = http.getResponse<Response>();
    if (res.headersSent) return;
    if (error instanceof HttpException) {
      const status = error.getStatus();
      res.status(status).json(errorBody(status, httpMessage(error), { requestId: req.requestId }));
      return;
    }
    const clientError = exposedClientError(error);
    if (clientError) {
      res
        .status(clientError.status)
        .json(errorBody(clientError.status, clientError.message, { requestId: req.requestId }));
      return;
    }
    this.logger.error(
      `request ${req.requestId} ${req.method} ${req.originalUrl} failed`,
      error instanceof Error ? error.stack : String(error),
    );
    res.status(HttpStatus.INTERNAL_SERVER_ERROR).json(
      errorBody(HttpStatus.INTERNAL_SERVER_ERROR, `internal error; quote request id ${req.requestId}`, {
        requestId: req.requestId,
      }),
    );
  }
}

function httpMessage(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : error.message;
}

/** Body-parser and other http-errors raise 4xx errors they mark safe to show (`expose`): keep their status. */
function exposedClientError(error: unknown): { status: number; message: string } | null {
  if (typeof error !== 'object' || error === null) return null;
  const { status, expose, message } = error as { status?: unknown; expose?: unknown; message?: unknown };
  if (expose !== true || typeof status !== 'number' || status < 400 || status > 499) return null;
  return { status, message: typeof message === 'string' ? message : 'bad request' };
}
