import { AppError } from '../common/app-error';

export enum AuthErrorCode {
  MISSING_KEY = 'MISSING_KEY',
  INVALID_KEY = 'INVALID_KEY',
  ADMIN_ONLY = 'ADMIN_ONLY',
  KEY_NOT_FOUND = 'KEY_NOT_FOUND',
  ADMIN_KEY_PROTECTED = 'ADMIN_KEY_PROTECTED',
}

export class AuthError extends AppError<AuthErrorCode> {}
