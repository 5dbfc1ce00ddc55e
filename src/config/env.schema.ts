import { z } from 'zod';

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
