import { HttpStatus } from '@nestjs/common';
import { AppError } from '../common/app-error';

export enum ProfilingErrorCode {
  /** Reference platforms hold the shipped measurements; they are never overwritten. */
  REFERENCE_PLATFORM = 'REFERENCE_PLATFORM',
  /** A derived platform is its base scaled; measuring this host does not describe it. */
  DERIVED_PLATFORM = 'DERIVED_PLATFORM',
  /** The model was stored before the graph parts a rebuild needs were kept. */
  MODEL_NOT_REBUILDABLE = 'MODEL_NOT_REBUILDABLE',
}

const PROFILING_STATUS: Record<ProfilingErrorCode, HttpStatus> = {
  [ProfilingErrorCode.REFERENCE_PLATFORM]: HttpStatus.CONFLICT,
  [ProfilingErrorCode.DERIVED_PLATFORM]: HttpStatus.CONFLICT,
  [ProfilingErrorCode.MODEL_NOT_REBUILDABLE]: HttpStatus.CONFLICT,
};

export class ProfilingError extends AppError<ProfilingErrorCode> {
  protected readonly statusByCode = PROFILING_STATUS;
}
