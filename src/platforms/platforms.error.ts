import { AppError } from '../common/app-error';

export enum PlatformsErrorCode {
  PLATFORM_NOT_FOUND = 'PLATFORM_NOT_FOUND',
  SLUG_TAKEN = 'SLUG_TAKEN',
  REFERENCE_READ_ONLY = 'REFERENCE_READ_ONLY',
  UNKNOWN_NODES = 'UNKNOWN_NODES',
  DUPLICATE_NODES = 'DUPLICATE_NODES',
  BAD_TRACE = 'BAD_TRACE',
  BAD_FIELD = 'BAD_FIELD',
}

export class PlatformsError extends AppError<PlatformsErrorCode> {}
