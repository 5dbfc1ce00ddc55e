import { HttpStatus } from '@nestjs/common';
import { PlanningError } from '../planning/cost-model';
import { OnnxError, OnnxErrorCode } from '../onnx/types';

/**
 * The pure cores (onnx/, planning/) know nothing of HTTP, so their errors get their statuses here, one layer up:
 * `common/` may know the cores, never a feature module.
 */
const ONNX_STATUS: Record<OnnxErrorCode, HttpStatus> = {
  [OnnxErrorCode.NOT_ONNX]: HttpStatus.BAD_REQUEST,
  [OnnxErrorCode.TRUNCATED]: HttpStatus.BAD_REQUEST,
  [OnnxErrorCode.MALFORMED]: HttpStatus.BAD_REQUEST,
  [OnnxErrorCode.EMPTY_GRAPH]: HttpStatus.BAD_REQUEST,
  [OnnxErrorCode.UNKNOWN_TENSOR]: HttpStatus.BAD_REQUEST,
  [OnnxErrorCode.DUPLICATE_PRODUCER]: HttpStatus.BAD_REQUEST,
  [OnnxErrorCode.CYCLE]: HttpStatus.BAD_REQUEST,
  [OnnxErrorCode.SHAPE_MISMATCH]: HttpStatus.BAD_REQUEST,
  [OnnxErrorCode.BAD_INPUT_SHAPE]: HttpStatus.BAD_REQUEST,
  [OnnxErrorCode.OVER_LIMIT]: HttpStatus.BAD_REQUEST,
  [OnnxErrorCode.FIELD_TOO_LARGE]: HttpStatus.PAYLOAD_TOO_LARGE,
  [OnnxErrorCode.UNSUPPORTED_OPSET]: HttpStatus.UNPROCESSABLE_ENTITY,
};

/** The code `PlanningError`s answer with: the request was well formed, but no plan can be priced from it. */
export const PLANNING_ERROR_CODE = 'UNPLANNABLE';

export interface ClientError {
  status: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export function coreClientError(error: OnnxError | PlanningError): ClientError {
  if (error instanceof OnnxError) {
    const status = ONNX_STATUS[error.code];
    if (status === undefined) throw new Error(`no HTTP status mapping for OnnxError code ${error.code}`);
    return { status, code: error.code, message: error.message, details: error.details };
  }
  return {
    status: HttpStatus.UNPROCESSABLE_ENTITY,
    code: PLANNING_ERROR_CODE,
    message: `cannot plan: ${error.message}`,
  };
}
