import { HttpStatus } from '@nestjs/common';
import { AppError } from '../common/app-error';

export enum ModelsErrorCode {
  MODEL_NOT_FOUND = 'MODEL_NOT_FOUND',
  BAD_FIELD = 'BAD_FIELD',
}

const MODELS_STATUS: Record<ModelsErrorCode, HttpStatus> = {
  [ModelsErrorCode.MODEL_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [ModelsErrorCode.BAD_FIELD]: HttpStatus.BAD_REQUEST,
};

export class ModelsError extends AppError<ModelsErrorCode> {
  protected readonly statusByCode = MODELS_STATUS;
}
