import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export const REQUEST_ID_HEADER = 'x-request-id';
const ACCEPTED_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface RequestWithId extends Request {
  requestId?: string;
}

/** Tags each request with an id (the caller's when sane) so a 500 in the log can be matched to a report. */
export function requestIdMiddleware(req: RequestWithId, res: Response, next: NextFunction): void {
  const given = req.header(REQUEST_ID_HEADER);
  req.requestId = given && ACCEPTED_ID.test(given) ? given : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, req.requestId);
  next();
}
