import { AppError } from '../common/app-error';

export enum ModelsErrorCode {
  MODEL_NOT_FOUND = 'MODEL_NOT_FOUND',
  BAD_FIELD = 'BAD_FIELD',
}

export class ModelsError extends AppError<ModelsErrorCode> {}
