import { HttpStatus } from '@nestjs/common';
import { AppError } from '../common/app-error';

export enum LimitsErrorCode {
  MODELS_QUOTA = 'MODELS_QUOTA',
  STORED_BYTES_QUOTA = 'STORED_BYTES_QUOTA',
  QUEUED_JOBS_QUOTA = 'QUEUED_JOBS_QUOTA',
}

/** A count quota waits for the tenant to free something (429); a byte quota is about the request's size (413). */
export const LIMITS_STATUS: Record<LimitsErrorCode, HttpStatus> = {
  [LimitsErrorCode.MODELS_QUOTA]: HttpStatus.TOO_MANY_REQUESTS,
  [LimitsErrorCode.STORED_BYTES_QUOTA]: HttpStatus.PAYLOAD_TOO_LARGE,
  [LimitsErrorCode.QUEUED_JOBS_QUOTA]: HttpStatus.TOO_MANY_REQUESTS,
};

export class LimitsError extends AppError<LimitsErrorCode> {
  protected readonly statusByCode = LIMITS_STATUS;
}
