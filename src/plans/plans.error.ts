import { HttpStatus } from '@nestjs/common';
import { AppError } from '../common/app-error';

export enum PlansErrorCode {
  PLAN_NOT_FOUND = 'PLAN_NOT_FOUND',
  BAD_PLAN_REQUEST = 'BAD_PLAN_REQUEST',
  /** The plan ran past PLAN_TIME_BUDGET_MS (a very large graph). */
  PLAN_BUDGET_EXCEEDED = 'PLAN_BUDGET_EXCEEDED',
  /** A latency or tensor size the planner needs is not a finite count (a model stored before its shapes were checked). */
  UNPLANNABLE_MODEL = 'UNPLANNABLE_MODEL',
  /** The plan has no such tier, or the tier runs no nodes: there is no sub-model to give. */
  TIER_NOT_FOUND = 'TIER_NOT_FOUND',
  /** The plan cannot become runnable sub-models (tensors without usable bytes, an opset too old to encode). */
  NOT_EXPORTABLE = 'NOT_EXPORTABLE',
}

const PLANS_STATUS: Record<PlansErrorCode, HttpStatus> = {
  [PlansErrorCode.PLAN_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [PlansErrorCode.BAD_PLAN_REQUEST]: HttpStatus.BAD_REQUEST,
  [PlansErrorCode.PLAN_BUDGET_EXCEEDED]: HttpStatus.UNPROCESSABLE_ENTITY,
  [PlansErrorCode.UNPLANNABLE_MODEL]: HttpStatus.UNPROCESSABLE_ENTITY,
  [PlansErrorCode.TIER_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [PlansErrorCode.NOT_EXPORTABLE]: HttpStatus.UNPROCESSABLE_ENTITY,
};

export class PlansError extends AppError<PlansErrorCode> {
  protected readonly statusByCode = PLANS_STATUS;
}
