import { z } from 'zod';
import { DEFAULT_ADVICE_OPTIONS, type AdviceOptions } from './http/advice-options.js';
import { DEFAULT_JOB_LIMITS, MAX_JOB_LIMIT, type JobLimits } from './jobs/defaults.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The environment variable that sets each job limit. */
export const JOB_LIMIT_ENV: Record<keyof JobLimits, string> = {
  maxTasks: 'JOB_MAX_TASKS',
  maxCpuMsPerTask: 'JOB_MAX_CPU_MS_PER_TASK',
  maxWaitMsPerTask: 'JOB_MAX_WAIT_MS_PER_TASK',
  maxPayloadBytesPerTask: 'JOB_MAX_PAYLOAD_BYTES_PER_TASK',
  maxWorkMs: 'JOB_MAX_WORK_MS',
  maxThreads: 'JOB_MAX_THREADS',
  maxProcesses: 'JOB_MAX_PROCESSES',
  maxThreadsPerProcess: 'JOB_MAX_THREADS_PER_PROCESS',
  defaultTimeoutMs: 'JOB_DEFAULT_TIMEOUT_MS',
  maxTimeoutMs: 'JOB_MAX_TIMEOUT_MS',
  queueSize: 'JOB_QUEUE_SIZE',
  compareSampleMs: 'JOB_COMPARE_SAMPLE_MS',
  perClientPerMinute: 'JOB_RATE_LIMIT_PER_MINUTE',
};

const jobLimitFields = Object.fromEntries(
  (Object.keys(JOB_LIMIT_ENV) as (keyof JobLimits)[]).map((key) => [
    JOB_LIMIT_ENV[key],
    z.coerce.number().int().min(key === 'queueSize' ? 0 : 1).max(MAX_JOB_LIMIT).default(DEFAULT_JOB_LIMITS[key]),
  ]),
) as Record<string, z.ZodDefault<z.ZodCoercedNumber>>;

export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(1024 * 1024),
  // Under the 10 s a container engine waits after SIGTERM before it kills (docker stop, Kubernetes).
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(8_000),
  /** Whose X-Forwarded-For to believe for the client's address (rate limits, logs): fastify's trustProxy. */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value): boolean | string => (value === 'true' || value === 'false' ? value === 'true' : value)),
  MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  /** Cores the sample pools use (their resident size); the cgroup's CPU quota or the machine's cores when unset. */
  POOL_CORES: z.coerce.number().int().min(1).max(1024).optional(),
  HYBRID_THREADS: z.coerce.number().int().min(1).max(64).default(2),
  /** A token the job routes require (Authorization: Bearer), for deployments that expose the service; unset: open. */
  JOBS_TOKEN: z.string().min(16, 'a token of at least 16 characters').optional(),
  /** The advice reply cache: most replies (0 turns it off) and most megabytes; how long a client may reuse a reply. */
  ADVICE_CACHE_ENTRIES: z.coerce.number().int().min(0).max(10_000_000).default(DEFAULT_ADVICE_OPTIONS.cacheEntries),
  ADVICE_CACHE_MB: z.coerce.number().min(1).max(65_536).default(DEFAULT_ADVICE_OPTIONS.cacheBytes / 2 ** 20),
  ADVICE_MAX_AGE_SECONDS: z.coerce.number().int().min(0).max(31_536_000).default(DEFAULT_ADVICE_OPTIONS.maxAgeSeconds),
  /** Threads that compute batches and deadline searches off the event loop; half the cores when unset. */
  ADVICE_THREADS: z.coerce.number().int().min(1).max(64).optional(),
  ...jobLimitFields,
});

export type Config = z.infer<typeof ConfigSchema>;

/** Reads the environment once at start-up; a bad value stops the start with a message that names it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** The job limits the environment set, by their names in the domain. */
export function jobLimitsFrom(config: Config): JobLimits {
  const values = config as unknown as Record<string, number>;
  return Object.fromEntries(
    (Object.keys(JOB_LIMIT_ENV) as (keyof JobLimits)[]).map((key) => [key, values[JOB_LIMIT_ENV[key]]!]),
  ) as unknown as JobLimits;
}

/** The advice options the environment set (the pool's threads only when given). */
export function adviceOptionsFrom(config: Config): Partial<AdviceOptions> {
  return {
    cacheEntries: config.ADVICE_CACHE_ENTRIES,
    cacheBytes: Math.round(config.ADVICE_CACHE_MB * 2 ** 20),
    maxAgeSeconds: config.ADVICE_MAX_AGE_SECONDS,
    ...(config.ADVICE_THREADS !== undefined ? { threads: config.ADVICE_THREADS } : {}),
  };
}
