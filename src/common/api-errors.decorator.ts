import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { ErrorBody } from './error-body';

/** Documents the error statuses a route can answer, all with the API's one error shape. */
export const ApiErrors = (...statuses: number[]) =>
  applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, description: STATUS_CODES[status] ?? 'Error', type: ErrorBody })),
  );
