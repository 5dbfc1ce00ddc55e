import { applyDecorators, HttpCode, HttpStatus } from '@nestjs/common';
import { ApiAcceptedResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { JobAcceptedDto } from './jobs.dto';

/** A route that starts a job: 202 with the job, documented with its Location header. */
export const JobAccepted = (): MethodDecorator =>
  applyDecorators(
    HttpCode(HttpStatus.ACCEPTED),
    ApiAcceptedResponse({ type: JobAcceptedDto, headers: { Location: { description: 'GET /v1/jobs/{jobId}' } } }),
  );

/** Points the response's Location at the job and passes the body through. */
export function locateJob(res: Response, accepted: JobAcceptedDto): JobAcceptedDto {
  res.location(`/v1/jobs/${accepted.jobId}`);
  return accepted;
}
