import { HttpStatus } from '@nestjs/common';
import { AppError } from '../common/app-error';

export enum JobsErrorCode {
  JOB_NOT_FOUND = 'JOB_NOT_FOUND',
}

const JOBS_STATUS: Record<JobsErrorCode, HttpStatus> = {
  [JobsErrorCode.JOB_NOT_FOUND]: HttpStatus.NOT_FOUND,
};

export class JobsError extends AppError<JobsErrorCode> {
  protected readonly statusByCode = JOBS_STATUS;
}

/**
 * Thrown by a job handler when the job itself cannot succeed (an op ONNX Runtime cannot run, a model deleted
 * since): the job fails at once with this message. Any other error is retried up to JOB_RETRY_LIMIT times.
 */
export class JobFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobFailure';
  }
}
