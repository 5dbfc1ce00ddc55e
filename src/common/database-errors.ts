import { HttpStatus } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import type { ClientError } from './core-errors';

/**
 * The database's own verdicts that are the client's doing, by SQLSTATE, in one place. A check-then-insert in a
 * service answers the common case with its own message; these answer the race it cannot see: two requests
 * creating the same slug at once (unique violation), a plan written while its model is deleted (foreign key).
 * Anything else stays a 500.
 */
const BY_SQLSTATE: Record<string, Omit<ClientError, 'details'>> = {
  '23505': { status: HttpStatus.CONFLICT, code: 'CONFLICT', message: 'it already exists (created concurrently)' },
  '23503': {
    status: HttpStatus.NOT_FOUND,
    code: 'REFERENCED_NOT_FOUND',
    message: 'an object it refers to was not found (deleted concurrently)',
  },
  // Text the database cannot store (NUL, invalid UTF-8): input validation refuses it first, this is the backstop.
  '22021': {
    status: HttpStatus.BAD_REQUEST,
    code: 'BAD_TEXT',
    message: 'text contains a character that cannot be stored',
  },
  '22P05': {
    status: HttpStatus.BAD_REQUEST,
    code: 'BAD_TEXT',
    message: 'text contains a character that cannot be stored',
  },
};

export function sqlState(error: unknown): string | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const driver = (error as QueryFailedError & { driverError?: { code?: unknown } }).driverError;
  const code = driver?.code ?? (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

export function databaseClientError(error: unknown): ClientError | null {
  const state = sqlState(error);
  const mapped = state === undefined ? undefined : BY_SQLSTATE[state];
  return mapped ? { ...mapped, details: { sqlState: state } } : null;
}
