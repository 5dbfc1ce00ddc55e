import { AppError } from '../common/app-error';

export enum PlansErrorCode {
  PLAN_NOT_FOUND = 'PLAN_NOT_FOUND',
  BAD_PLAN_REQUEST = 'BAD_PLAN_REQUEST',
  /** The plan ran past PLAN_TIME_BUDGET_MS (a very large graph). */
  PLAN_BUDGET_EXCEEDED = 'PLAN_BUDGET_EXCEEDED',
  /** A latency or tensor size the planner needs is not a finite count (a model stored before its shapes were checked). */
  UNPLANNABLE_MODEL = 'UNPLANNABLE_MODEL',
}

export class PlansError extends AppError<PlansErrorCode> {}
