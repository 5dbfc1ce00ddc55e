import { ArgumentsHost, Catch } from '@nestjs/common';
import type { Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { OnnxError } from '../onnx/types';
import { PlanningError } from '../planning/cost-model';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { AppError } from './app-error';
import { ClientError, coreClientError } from './core-errors';
import { databaseClientError } from './database-errors';
import { errorBody } from './error-body';
import type { RequestWithId } from './request-id.middleware';

/** The client's share of an error: a module's AppError (its own table), a pure core's error, a database verdict. */
export function clientErrorOf(error: unknown): ClientError | null {
  if (error instanceof AppError) {
    return { status: error.status, code: error.code, message: error.message, details: error.details };
  }
  if (error instanceof OnnxError || error instanceof PlanningError) return coreClientError(error);
  return databaseClientError(error);
}

export function statusOf(error: AppError | OnnxError | PlanningError): number {
  return clientErrorOf(error)!.status;
}

/** Answers errors that carry a status in the API's error shape; a database error it cannot place is a 500. */
@Catch(AppError, OnnxError, PlanningError, QueryFailedError)
export class DomainExceptionFilter extends AllExceptionsFilter {
  override catch(error: unknown, host: ArgumentsHost): void {
    const client = clientErrorOf(error);
    if (!client) return super.catch(error, host);
    const http = host.switchToHttp();
    const req = http.getRequest<RequestWithId>();
    const body = errorBody(client.status, client.message, {
      code: client.code,
      details: client.details,
      requestId: req.requestId,
    });
    http.getResponse<Response>().status(client.status).json(body);
  }
}
