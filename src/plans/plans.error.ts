import { HttpStatus } from '@nestjs/common';
import { AppError } from '../common/app-error';

export enum PlansErrorCode {
  PLAN_NOT_FOUND = 'PLAN_NOT_FOUND',
  BAD_PLAN_REQUEST = 'BAD_PLAN_REQUEST',
}

const PLANS_STATUS: Record<PlansErrorCode, HttpStatus> = {
  [PlansErrorCode.PLAN_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [PlansErrorCode.BAD_PLAN_REQUEST]: HttpStatus.BAD_REQUEST,
};

export class PlansError extends AppError<PlansErrorCode> {
  protected readonly statusByCode = PLANS_STATUS;
}
