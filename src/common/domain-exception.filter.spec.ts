import { AuthError, AuthErrorCode } from '../auth/auth.error';
import { JobsError, JobsErrorCode } from '../jobs/jobs.error';
import { ModelsError, ModelsErrorCode } from '../models/models.error';
import { NetworksError, NetworksErrorCode } from '../networks/networks.error';
import { OnnxError, OnnxErrorCode } from '../onnx/types';
import { PlansError, PlansErrorCode } from '../plans/plans.error';
import { PlatformsError, PlatformsErrorCode } from '../platforms/platforms.error';
import { PredictionsError, PredictionsErrorCode } from '../predictions/predictions.error';
import { ProfilingError, ProfilingErrorCode } from '../profiling/profiling.error';
import { QueryFailedError } from 'typeorm';
import { PlanningError } from '../planning/cost-model';
import { AppError } from './app-error';
import { clientErrorOf, statusOf } from './domain-exception.filter';
import { UploadError, UploadErrorCode } from './upload';

const every = <C extends string>(codes: Record<string, C>, make: (code: C) => AppError | OnnxError) =>
  Object.values(codes).map((code) => [code, make(code)] as const);

describe('statusOf', () => {
  it.each([
    ...every(OnnxErrorCode, (c) => new OnnxError(c, 'x')),
    ...every(AuthErrorCode, (c) => new AuthError(c, 'x')),
    ...every(ModelsErrorCode, (c) => new ModelsError(c, 'x')),
    ...every(UploadErrorCode, (c) => new UploadError(c, 'x')),
    ...every(PlatformsErrorCode, (c) => new PlatformsError(c, 'x')),
    ...every(NetworksErrorCode, (c) => new NetworksError(c, 'x')),
    ...every(PredictionsErrorCode, (c) => new PredictionsError(c, 'x')),
    ...every(PlansErrorCode, (c) => new PlansError(c, 'x')),
    ...every(JobsErrorCode, (c) => new JobsError(c, 'x')),
    ...every(ProfilingErrorCode, (c) => new ProfilingError(c, 'x')),
  ])('maps %s to a client error', (_code, error) => {
    const status = statusOf(error);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
  });

  it('refuses a code its class left out of its table', () => {
    class StrayError extends AppError<'STRAY' | 'MAPPED'> {
      protected readonly statusByCode = { MAPPED: 400 } as Record<'STRAY' | 'MAPPED', number>;
    }
    expect(statusOf(new StrayError('MAPPED', 'x'))).toBe(400);
    expect(() => statusOf(new StrayError('STRAY', 'x'))).toThrow(/no HTTP status mapping for StrayError code STRAY/);
  });

  it('maps planning errors and database verdicts by SQLSTATE, and leaves other database errors alone', () => {
    expect(statusOf(new PlanningError('latency of node x'))).toBe(422);
    const failed = (code: string) => new QueryFailedError('INSERT …', [], Object.assign(new Error('pg'), { code }));
    expect(clientErrorOf(failed('23505'))).toMatchObject({ status: 409, details: { sqlState: '23505' } });
    expect(clientErrorOf(failed('23503'))).toMatchObject({ status: 404 });
    expect(clientErrorOf(failed('22021'))).toMatchObject({ status: 400 });
    expect(clientErrorOf(failed('40P01'))).toBeNull();
    expect(clientErrorOf(new Error('23505'))).toBeNull();
  });

  it.each([
    [new AuthError(AuthErrorCode.MISSING_KEY, ''), 401],
    [new AuthError(AuthErrorCode.ADMIN_ONLY, ''), 403],
    [new ModelsError(ModelsErrorCode.MODEL_NOT_FOUND, ''), 404],
    [new UploadError(UploadErrorCode.FILE_TOO_LARGE, ''), 413],
    [new UploadError(UploadErrorCode.NOT_MULTIPART, ''), 415],
    [new OnnxError(OnnxErrorCode.UNSUPPORTED_OPSET, ''), 422],
    [new PlatformsError(PlatformsErrorCode.REFERENCE_READ_ONLY, ''), 403],
    [new PredictionsError(PredictionsErrorCode.NO_MEASUREMENTS, ''), 409],
  ])('%s → %i', (error, status) => expect(statusOf(error)).toBe(status));
});
