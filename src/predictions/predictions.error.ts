import { HttpStatus } from '@nestjs/common';
import { AppError } from '../common/app-error';

export enum PredictionsErrorCode {
  NO_PREDICTOR = 'NO_PREDICTOR',
  NO_MEASUREMENTS = 'NO_MEASUREMENTS',
  DERIVED_PLATFORM = 'DERIVED_PLATFORM',
  /** A graph optimisation mode the platform has no latency model for, or one given to a runtime without modes. */
  UNSUPPORTED_GRAPH_OPTIMIZATION = 'UNSUPPORTED_GRAPH_OPTIMIZATION',
}

const PREDICTIONS_STATUS: Record<PredictionsErrorCode, HttpStatus> = {
  [PredictionsErrorCode.NO_PREDICTOR]: HttpStatus.CONFLICT,
  [PredictionsErrorCode.NO_MEASUREMENTS]: HttpStatus.CONFLICT,
  [PredictionsErrorCode.DERIVED_PLATFORM]: HttpStatus.CONFLICT,
  [PredictionsErrorCode.UNSUPPORTED_GRAPH_OPTIMIZATION]: HttpStatus.BAD_REQUEST,
};

export class PredictionsError extends AppError<PredictionsErrorCode> {
  protected readonly statusByCode = PREDICTIONS_STATUS;
}
