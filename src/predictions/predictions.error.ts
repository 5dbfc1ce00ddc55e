import { AppError } from '../common/app-error';

export enum PredictionsErrorCode {
  NO_PREDICTOR = 'NO_PREDICTOR',
  NO_MEASUREMENTS = 'NO_MEASUREMENTS',
  DERIVED_PLATFORM = 'DERIVED_PLATFORM',
}

export class PredictionsError extends AppError<PredictionsErrorCode> {}
