import { BadRequestException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { jsonProblem, textProblem } from './input-text';

/**
 * Runs after the JSON body parser, before any route: refuses text PostgreSQL cannot store and bodies nested
 * beyond any route's shape, for every route at once (a route added later is covered without remembering to).
 * Multipart fields get the same check where busboy hands them over (common/upload.ts).
 */
export function inputGuardMiddleware(req: Request, _res: Response, next: NextFunction): void {
  let url: string;
  try {
    url = decodeURIComponent(req.originalUrl);
  } catch {
    return next(new BadRequestException('the URL is not valid percent-encoded UTF-8'));
  }
  const inUrl = textProblem(url);
  if (inUrl) return next(new BadRequestException(`the URL ${inUrl}`));
  const inBody = req.body === undefined ? null : jsonProblem(req.body);
  if (inBody) return next(new BadRequestException(inBody));
  next();
}
