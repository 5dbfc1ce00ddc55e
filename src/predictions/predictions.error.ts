import { AppError } from '../common/app-error';

export enum PredictionsErrorCode {
  NO_PREDICTOR = 'NO_PREDICTOR',
}

export class PredictionsError extends AppError<PredictionsErrorCode> {}
