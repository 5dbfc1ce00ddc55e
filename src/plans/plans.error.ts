import { AppError } from '../common/app-error';

export enum PlansErrorCode {
  PLAN_NOT_FOUND = 'PLAN_NOT_FOUND',
  BAD_PLAN_REQUEST = 'BAD_PLAN_REQUEST',
  /** The plan has no such tier, or the tier runs no nodes: there is no sub-model to give. */
  TIER_NOT_FOUND = 'TIER_NOT_FOUND',
  /** The plan cannot become runnable sub-models (tensors without usable bytes, an opset too old to encode). */
  NOT_EXPORTABLE = 'NOT_EXPORTABLE',
}

export class PlansError extends AppError<PlansErrorCode> {}
