import { HttpStatus } from '@nestjs/common';
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

const PLATFORMS_STATUS: Record<PlatformsErrorCode, HttpStatus> = {
  [PlatformsErrorCode.PLATFORM_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [PlatformsErrorCode.SLUG_TAKEN]: HttpStatus.CONFLICT,
  [PlatformsErrorCode.REFERENCE_READ_ONLY]: HttpStatus.FORBIDDEN,
  [PlatformsErrorCode.UNKNOWN_NODES]: HttpStatus.BAD_REQUEST,
  [PlatformsErrorCode.DUPLICATE_NODES]: HttpStatus.BAD_REQUEST,
  [PlatformsErrorCode.BAD_TRACE]: HttpStatus.BAD_REQUEST,
  [PlatformsErrorCode.BAD_FIELD]: HttpStatus.BAD_REQUEST,
};

export class PlatformsError extends AppError<PlatformsErrorCode> {
  protected readonly statusByCode = PLATFORMS_STATUS;
}
