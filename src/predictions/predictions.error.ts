import { HttpStatus } from '@nestjs/common';
import { AppError } from '../common/app-error';

export enum PredictionsErrorCode {
  NO_PREDICTOR = 'NO_PREDICTOR',
  NO_MEASUREMENTS = 'NO_MEASUREMENTS',
  DERIVED_PLATFORM = 'DERIVED_PLATFORM',
}

const PREDICTIONS_STATUS: Record<PredictionsErrorCode, HttpStatus> = {
  [PredictionsErrorCode.NO_PREDICTOR]: HttpStatus.CONFLICT,
  [PredictionsErrorCode.NO_MEASUREMENTS]: HttpStatus.CONFLICT,
  [PredictionsErrorCode.DERIVED_PLATFORM]: HttpStatus.CONFLICT,
};

export class PredictionsError extends AppError<PredictionsErrorCode> {
  protected readonly statusByCode = PREDICTIONS_STATUS;
}
