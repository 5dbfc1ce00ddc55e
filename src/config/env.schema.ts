import { z } from 'zod';
import { DEFAULT_ONNX_LIMITS, type OnnxLimits } from '../onnx/limits';

const GIB = 1024 ** 3;

/** Every setting the service reads, validated once at boot. Unset and empty mean the same: the default. */
export const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data/db'),
  MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(2 * GIB),
  TIERSPLIT_ADMIN_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Seed the reference platforms, graphs and measurements at boot (idempotent). */
  SEED_REFERENCE: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  /** Jobs this process runs at once (0: this process only enqueues; separate `npm run worker` processes run them). */
  WORKERS: z.coerce.number().int().min(0).max(64).default(1),
  /**
   * How long a worker may hold a job before it counts as lost (its process died) and the job is retried. Longer
   * than the slowest job: a live worker past its lease races the retry (results are still written once).
   */
  JOB_LEASE_SECONDS: z.coerce.number().int().min(2).max(86_400).default(900),
  /** Retries after a lost worker or an unexpected error; a job that is wrong in itself fails at once. */
  JOB_RETRY_LIMIT: z.coerce.number().int().min(0).max(10).default(2),
  /** Caps on what one uploaded ONNX file may declare (issue 12: a 117-byte file asked for a 2^31-entry array). */
  ONNX_MAX_NODES: z.coerce.number().int().min(1).max(10_000_000).default(DEFAULT_ONNX_LIMITS.maxNodes),
  ONNX_MAX_RANK: z.coerce.number().int().min(1).max(1024).default(DEFAULT_ONNX_LIMITS.maxRank),
  ONNX_MAX_TENSOR_ELEMENTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(2 ** 53)
    .default(DEFAULT_ONNX_LIMITS.maxTensorElements),
  ONNX_MAX_GRAPH_BYTES: z.coerce
    .number()
    .int()
    .min(1024 * 1024)
    .max(16 * GIB)
    .default(DEFAULT_ONNX_LIMITS.maxGraphBytes),
  /** Longest a plan may compute before it is refused with a 422 (solves, baselines and bandwidth regions together). */
  PLAN_TIME_BUDGET_MS: z.coerce.number().int().min(10).max(600_000).default(5_000),
  /** Most bytes of stand-in weights self-profiling synthesises for a model uploaded without its weights. */
  PROFILE_MAX_SYNTH_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(64 * GIB)
    .default(GIB),
  /** Most nodes a model may have to be self-profiled. */
  PROFILE_MAX_NODES: z.coerce.number().int().min(1).max(1_000_000).default(20_000),
  /**
   * How long an instance trusts a key it verified (scrypt is slow on purpose). The bound on revocation: a key
   * revoked on one instance stops working on every other within this many seconds. 0: no cache.
   */
  AUTH_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(10),
  /**
   * On SIGTERM: how long in-flight requests and running jobs get to finish before the process exits anyway (a job
   * cut off goes back to the queue and is retried).
   */
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** Requests one API key may make per window, across every instance (the counters live in the database); 0: off. */
  RATE_LIMIT_REQUESTS: z.coerce.number().int().min(0).max(1_000_000).default(6000),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** Per-tenant quotas: models stored, bytes of the model files uploaded, jobs queued or running at once. */
  QUOTA_MODELS: z.coerce.number().int().min(1).max(10_000_000).default(1000),
  QUOTA_STORED_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(100 * GIB),
  QUOTA_QUEUED_JOBS: z.coerce.number().int().min(1).max(1_000_000).default(100),
  /** Origins allowed to call the API from a browser: unset, no CORS headers at all; `*`, any; else a comma list. */
  CORS_ORIGINS: z
    .string()
    .regex(/^(\*|https?:\/\/[^,\s]+(,https?:\/\/[^,\s]+)*)$/, 'must be * or a comma list of http(s) origins')
    .optional(),
});

/** The ONNX reader's caps, from the validated config. */
export const onnxLimitsOf = (c: AppConfig): OnnxLimits => ({
  maxNodes: c.ONNX_MAX_NODES,
  maxRank: c.ONNX_MAX_RANK,
  maxTensorElements: c.ONNX_MAX_TENSOR_ELEMENTS,
  maxGraphBytes: c.ONNX_MAX_GRAPH_BYTES,
});

export type AppConfig = z.infer<typeof envSchema>;

export class ConfigValidationError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv): AppConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new ConfigValidationError(`Invalid environment:\n${problems}`);
  }
  return parsed.data;
}

/** Injection token for the validated config. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/** For entry points: the config, or the problems on stderr and exit code 2 (a bad environment is the caller's). */
export function loadConfigOrExit(env: NodeJS.ProcessEnv): AppConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}
