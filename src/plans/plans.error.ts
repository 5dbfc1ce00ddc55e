import { HttpStatus } from '@nestjs/common';
import { AppError } from '../common/app-error';

export enum PlansErrorCode {
  PLAN_NOT_FOUND = 'PLAN_NOT_FOUND',
  BAD_PLAN_REQUEST = 'BAD_PLAN_REQUEST',
  /** The plan ran past PLAN_TIME_BUDGET_MS (a very large graph). */
  PLAN_BUDGET_EXCEEDED = 'PLAN_BUDGET_EXCEEDED',
  /** A latency or tensor size the planner needs is not a finite count (a model stored before its shapes were checked). */
  UNPLANNABLE_MODEL = 'UNPLANNABLE_MODEL',
}

const PLANS_STATUS: Record<PlansErrorCode, HttpStatus> = {
  [PlansErrorCode.PLAN_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [PlansErrorCode.BAD_PLAN_REQUEST]: HttpStatus.BAD_REQUEST,
  [PlansErrorCode.PLAN_BUDGET_EXCEEDED]: HttpStatus.UNPROCESSABLE_ENTITY,
  [PlansErrorCode.UNPLANNABLE_MODEL]: HttpStatus.UNPROCESSABLE_ENTITY,
};

export class PlansError extends AppError<PlansErrorCode> {
  protected readonly statusByCode = PLANS_STATUS;
}
