import { AppError } from '../common/app-error';

export enum ModelsErrorCode {
  MODEL_NOT_FOUND = 'MODEL_NOT_FOUND',
  NOT_MULTIPART = 'NOT_MULTIPART',
  NO_FILE = 'NO_FILE',
  EMPTY_FILE = 'EMPTY_FILE',
  FILE_TOO_LARGE = 'FILE_TOO_LARGE',
  BAD_FIELD = 'BAD_FIELD',
}

export class ModelsError extends AppError<ModelsErrorCode> {}
