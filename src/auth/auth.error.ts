import { HttpStatus } from '@nestjs/common';
import { AppError } from '../common/app-error';

export enum AuthErrorCode {
  MISSING_KEY = 'MISSING_KEY',
  INVALID_KEY = 'INVALID_KEY',
  ADMIN_ONLY = 'ADMIN_ONLY',
  KEY_NOT_FOUND = 'KEY_NOT_FOUND',
  ADMIN_KEY_PROTECTED = 'ADMIN_KEY_PROTECTED',
}

const AUTH_STATUS: Record<AuthErrorCode, HttpStatus> = {
  [AuthErrorCode.MISSING_KEY]: HttpStatus.UNAUTHORIZED,
  [AuthErrorCode.INVALID_KEY]: HttpStatus.UNAUTHORIZED,
  [AuthErrorCode.ADMIN_ONLY]: HttpStatus.FORBIDDEN,
  [AuthErrorCode.KEY_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [AuthErrorCode.ADMIN_KEY_PROTECTED]: HttpStatus.CONFLICT,
};

export class AuthError extends AppError<AuthErrorCode> {
  protected readonly statusByCode = AUTH_STATUS;
}
