import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import { AuthError, AuthErrorCode } from '../auth/auth.error';
import { JobsError, JobsErrorCode } from '../jobs/jobs.error';
import { ModelsError, ModelsErrorCode } from '../models/models.error';
import { NetworksError, NetworksErrorCode } from '../networks/networks.error';
import { OnnxError, OnnxErrorCode } from '../onnx/types';
import { PlansError, PlansErrorCode } from '../plans/plans.error';
import { PlatformsError, PlatformsErrorCode } from '../platforms/platforms.error';
import { PredictionsError, PredictionsErrorCode } from '../predictions/predictions.error';
import { ProfilingError, ProfilingErrorCode } from '../profiling/profiling.error';
import { AppError, assertNever } from './app-error';
import { errorBody } from './error-body';
import { UploadError, UploadErrorCode } from './upload';
import type { RequestWithId } from './request-id.middleware';

function onnxStatus(code: OnnxErrorCode): HttpStatus {
  switch (code) {
    case OnnxErrorCode.NOT_ONNX:
    case OnnxErrorCode.TRUNCATED:
    case OnnxErrorCode.MALFORMED:
    case OnnxErrorCode.EMPTY_GRAPH:
    case OnnxErrorCode.UNKNOWN_TENSOR:
    case OnnxErrorCode.DUPLICATE_PRODUCER:
    case OnnxErrorCode.CYCLE:
    case OnnxErrorCode.SHAPE_MISMATCH:
    case OnnxErrorCode.BAD_INPUT_SHAPE:
      return HttpStatus.BAD_REQUEST;
    case OnnxErrorCode.FIELD_TOO_LARGE:
      return HttpStatus.PAYLOAD_TOO_LARGE;
    case OnnxErrorCode.UNSUPPORTED_OPSET:
      return HttpStatus.UNPROCESSABLE_ENTITY;
    default:
      return assertNever(code);
  }
}

function authStatus(code: AuthErrorCode): HttpStatus {
  switch (code) {
    case AuthErrorCode.MISSING_KEY:
    case AuthErrorCode.INVALID_KEY:
      return HttpStatus.UNAUTHORIZED;
    case AuthErrorCode.ADMIN_ONLY:
      return HttpStatus.FORBIDDEN;
    case AuthErrorCode.KEY_NOT_FOUND:
      return HttpStatus.NOT_FOUND;
    case AuthErrorCode.ADMIN_KEY_PROTECTED:
      return HttpStatus.CONFLICT;
    default:
      return assertNever(code);
  }
}

function modelsStatus(code: ModelsErrorCode): HttpStatus {
  switch (code) {
    case ModelsErrorCode.MODEL_NOT_FOUND:
      return HttpStatus.NOT_FOUND;
    case ModelsErrorCode.BAD_FIELD:
      return HttpStatus.BAD_REQUEST;
    default:
      return assertNever(code);
  }
}

function uploadStatus(code: UploadErrorCode): HttpStatus {
  switch (code) {
    case UploadErrorCode.NOT_MULTIPART:
      return HttpStatus.UNSUPPORTED_MEDIA_TYPE;
    case UploadErrorCode.NO_FILE:
    case UploadErrorCode.MALFORMED_MULTIPART:
      return HttpStatus.BAD_REQUEST;
    case UploadErrorCode.FILE_TOO_LARGE:
      return HttpStatus.PAYLOAD_TOO_LARGE;
    default:
      return assertNever(code);
  }
}

function platformsStatus(code: PlatformsErrorCode): HttpStatus {
  switch (code) {
    case PlatformsErrorCode.PLATFORM_NOT_FOUND:
      return HttpStatus.NOT_FOUND;
    case PlatformsErrorCode.SLUG_TAKEN:
      return HttpStatus.CONFLICT;
    case PlatformsErrorCode.REFERENCE_READ_ONLY:
      return HttpStatus.FORBIDDEN;
    case PlatformsErrorCode.UNKNOWN_NODES:
    case PlatformsErrorCode.DUPLICATE_NODES:
    case PlatformsErrorCode.BAD_TRACE:
    case PlatformsErrorCode.BAD_FIELD:
      return HttpStatus.BAD_REQUEST;
    default:
      return assertNever(code);
  }
}

function networksStatus(code: NetworksErrorCode): HttpStatus {
  switch (code) {
    case NetworksErrorCode.NETWORK_NOT_FOUND:
      return HttpStatus.NOT_FOUND;
    case NetworksErrorCode.BAD_NETWORK:
      return HttpStatus.BAD_REQUEST;
    default:
      return assertNever(code);
  }
}

function predictionsStatus(code: PredictionsErrorCode): HttpStatus {
  switch (code) {
    case PredictionsErrorCode.NO_PREDICTOR:
    case PredictionsErrorCode.NO_MEASUREMENTS:
    case PredictionsErrorCode.DERIVED_PLATFORM:
      return HttpStatus.CONFLICT;
    default:
      return assertNever(code);
  }
}

function plansStatus(code: PlansErrorCode): HttpStatus {
  switch (code) {
    case PlansErrorCode.PLAN_NOT_FOUND:
    case PlansErrorCode.TIER_NOT_FOUND:
      return HttpStatus.NOT_FOUND;
    case PlansErrorCode.BAD_PLAN_REQUEST:
      return HttpStatus.BAD_REQUEST;
    case PlansErrorCode.NOT_EXPORTABLE:
      return HttpStatus.UNPROCESSABLE_ENTITY;
    default:
      return assertNever(code);
  }
}

function jobsStatus(code: JobsErrorCode): HttpStatus {
  switch (code) {
    case JobsErrorCode.JOB_NOT_FOUND:
      return HttpStatus.NOT_FOUND;
    default:
      return assertNever(code);
  }
}

function profilingStatus(code: ProfilingErrorCode): HttpStatus {
  switch (code) {
    case ProfilingErrorCode.REFERENCE_PLATFORM:
    case ProfilingErrorCode.DERIVED_PLATFORM:
    case ProfilingErrorCode.MODEL_NOT_REBUILDABLE:
      return HttpStatus.CONFLICT;
    default:
      return assertNever(code);
  }
}

export function statusOf(error: AppError | OnnxError): HttpStatus {
  if (error instanceof OnnxError) return onnxStatus(error.code);
  if (error instanceof AuthError) return authStatus(error.code);
  if (error instanceof ModelsError) return modelsStatus(error.code);
  if (error instanceof UploadError) return uploadStatus(error.code);
  if (error instanceof PlatformsError) return platformsStatus(error.code);
  if (error instanceof NetworksError) return networksStatus(error.code);
  if (error instanceof PredictionsError) return predictionsStatus(error.code);
  if (error instanceof PlansError) return plansStatus(error.code);
  if (error instanceof JobsError) return jobsStatus(error.code);
  if (error instanceof ProfilingError) return profilingStatus(error.code);
  // An AppError subclass without a mapping is a programming error: surface it loudly, as a 500.
  throw new Error(`no HTTP status mapping for ${error.name}`);
}

/** Maps every module's error codes to HTTP statuses; everything else falls through to AllExceptionsFilter. */
@Catch(AppError, OnnxError)
export class DomainExceptionFilter implements ExceptionFilter {
  catch(error: AppError | OnnxError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<RequestWithId>();
    const status = statusOf(error);
    const body = errorBody(status, error.message, {
      code: error.code,
      details: error.details,
      requestId: req.requestId,
    });
    http.getResponse<Response>().status(status).json(body);
  }
}
