import { AppError } from '../common/app-error';

export enum PredictionsErrorCode {
  NO_PREDICTOR = 'NO_PREDICTOR',
  NO_MEASUREMENTS = 'NO_MEASUREMENTS',
  DERIVED_PLATFORM = 'DERIVED_PLATFORM',
  /** A graph optimisation mode the platform has no latency model for, or one given to a runtime without modes. */
  UNSUPPORTED_GRAPH_OPTIMIZATION = 'UNSUPPORTED_GRAPH_OPTIMIZATION',
}

export class PredictionsError extends AppError<PredictionsErrorCode> {}
