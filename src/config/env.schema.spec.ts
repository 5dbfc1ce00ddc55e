import { DEFAULT_ONNX_LIMITS } from '../onnx/limits';
import { ConfigValidationError, loadConfig, onnxLimitsOf } from './env.schema';

describe('loadConfig', () => {
  it('applies defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, DATA_DIR: './data/db', MAX_UPLOAD_BYTES: 2 * 1024 ** 3 });
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c).toMatchObject({ RATE_LIMIT_REQUESTS: 6000, RATE_LIMIT_WINDOW_SECONDS: 60, QUOTA_MODELS: 1000 });
    expect(c).toMatchObject({ QUOTA_STORED_BYTES: 100 * 1024 ** 3, QUOTA_QUEUED_JOBS: 100 });
    expect(c.CORS_ORIGINS).toBeUndefined();
  });

  it('takes a CORS origin list or *', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example,http://b.example:8080' }).CORS_ORIGINS).toBe(
      'https://a.example,http://b.example:8080',
    );
    expect(loadConfig({ CORS_ORIGINS: '*' }).CORS_ORIGINS).toBe('*');
  });

  it('gives the ONNX, plan and profiling caps their defaults and takes overrides', () => {
    const c = loadConfig({ ONNX_MAX_NODES: '500' });
    expect(onnxLimitsOf(c)).toEqual({ ...DEFAULT_ONNX_LIMITS, maxNodes: 500 });
    expect(c).toMatchObject({
      PLAN_TIME_BUDGET_MS: 5000,
      PROFILE_MAX_SYNTH_BYTES: 1024 ** 3,
      PROFILE_MAX_NODES: 20000,
    });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).PORT).toBe(3000);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ MAX_UPLOAD_BYTES: '-1' }, 'MAX_UPLOAD_BYTES'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ TIERSPLIT_ADMIN_KEY: 'short' }, 'TIERSPLIT_ADMIN_KEY'],
    [{ ONNX_MAX_NODES: '0' }, 'ONNX_MAX_NODES'],
    [{ ONNX_MAX_TENSOR_ELEMENTS: '1e300' }, 'ONNX_MAX_TENSOR_ELEMENTS'],
    [{ PLAN_TIME_BUDGET_MS: 'soon' }, 'PLAN_TIME_BUDGET_MS'],
    [{ PROFILE_MAX_SYNTH_BYTES: '-5' }, 'PROFILE_MAX_SYNTH_BYTES'],
    [{ RATE_LIMIT_REQUESTS: '-5' }, 'RATE_LIMIT_REQUESTS'],
    [{ RATE_LIMIT_WINDOW_SECONDS: '0' }, 'RATE_LIMIT_WINDOW_SECONDS'],
    [{ QUOTA_MODELS: '0' }, 'QUOTA_MODELS'],
    [{ QUOTA_STORED_BYTES: '1.5' }, 'QUOTA_STORED_BYTES'],
    [{ QUOTA_QUEUED_JOBS: 'many' }, 'QUOTA_QUEUED_JOBS'],
    [{ CORS_ORIGINS: 'evil.example' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'https://a.example, https://b.example' }, 'CORS_ORIGINS'],
  ])('rejects %j naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigValidationError);
    expect(() => loadConfig(env)).toThrow(new RegExp(name));
  });
});
