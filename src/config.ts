import { z } from 'zod';
import type { AppOptions } from './app.js';
import type { AdviceOptions } from './http/advice-options.js';
import { HTTP_DEFAULTS } from './http/defaults.js';
import { JOB_DEFAULTS, MAX_JOB_LIMIT, type JobLimits } from './jobs/defaults.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The environment variable that sets each job limit. */
export const JOB_LIMIT_ENV = [
  ['maxTasks', 'JOB_MAX_TASKS'],
  ['maxCpuMsPerTask', 'JOB_MAX_CPU_MS_PER_TASK'],
  ['maxWaitMsPerTask', 'JOB_MAX_WAIT_MS_PER_TASK'],
  ['maxPayloadBytesPerTask', 'JOB_MAX_PAYLOAD_BYTES_PER_TASK'],
  ['maxWorkMs', 'JOB_MAX_WORK_MS'],
  ['maxThreads', 'JOB_MAX_THREADS'],
  ['maxProcesses', 'JOB_MAX_PROCESSES'],
  ['maxThreadsPerProcess', 'JOB_MAX_THREADS_PER_PROCESS'],
  ['defaultTimeoutMs', 'JOB_DEFAULT_TIMEOUT_MS'],
  ['maxTimeoutMs', 'JOB_MAX_TIMEOUT_MS'],
  ['queueSize', 'JOB_QUEUE_SIZE'],
  ['compareSampleMs', 'JOB_COMPARE_SAMPLE_MS'],
  ['perClientPerMinute', 'JOB_RATE_LIMIT_PER_MINUTE'],
] as const satisfies readonly (readonly [keyof JobLimits, string])[];

const jobLimit = (key: keyof JobLimits) =>
  z.coerce.number().int().min(key === 'queueSize' ? 0 : 1).max(MAX_JOB_LIMIT).default(JOB_DEFAULTS.limits[key]);

/** Every setting but the job limits, by its variable's name. */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(HTTP_DEFAULTS.bodyLimit),
  // Under the 10 s a container engine waits after SIGTERM before it kills (docker stop, Kubernetes).
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(8_000),
  /** Whose X-Forwarded-For to believe for the client's address (rate limits, logs): fastify's trustProxy. */
  TRUST_PROXY: z
    .string()
    .default(String(HTTP_DEFAULTS.trustProxy))
    .transform((value): boolean | string => (value === 'true' || value === 'false' ? value === 'true' : value)),
  MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(HTTP_DEFAULTS.maxEventLoopDelayMs),
  /** Cores the sample pools use (their resident size); the cgroup's CPU quota or the machine's cores when unset. */
  POOL_CORES: z.coerce.number().int().min(1).max(1024).optional(),
  HYBRID_THREADS: z.coerce.number().int().min(1).max(64).default(JOB_DEFAULTS.hybridThreads),
  /** A token the job routes require (Authorization: Bearer), for deployments that expose the service; unset: open. */
  JOBS_TOKEN: z.string().min(16, 'a token of at least 16 characters').optional(),
  /** The advice reply cache: most replies (0 turns it off) and most megabytes; how long a client may reuse a reply. */
  ADVICE_CACHE_ENTRIES: z.coerce.number().int().min(0).max(10_000_000).default(HTTP_DEFAULTS.advice.cacheEntries),
  ADVICE_CACHE_MB: z.coerce.number().min(1).max(65_536).default(HTTP_DEFAULTS.advice.cacheBytes / 2 ** 20),
  ADVICE_MAX_AGE_SECONDS: z.coerce.number().int().min(0).max(31_536_000).default(HTTP_DEFAULTS.advice.maxAgeSeconds),
  /** Threads that compute batches and deadline searches off the event loop; half the cores when unset. */
  ADVICE_THREADS: z.coerce.number().int().min(1).max(64).optional(),
});

/** The settings, by what they set: where the server listens and logs, and the app it builds. */
export interface Config {
  server: { port: number; host: string; logLevel: (typeof LOG_LEVELS)[number]; shutdownGraceMs: number };
  app: Required<Pick<AppOptions, 'bodyLimit' | 'maxEventLoopDelayMs' | 'trustProxy' | 'shutdownGraceMs'>> & {
    jobs: { limits: JobLimits; cores: number | undefined; hybridThreads: number; token: string | undefined };
    /** The advice options the environment set (the pool's threads only when given). */
    advice: Partial<AdviceOptions>;
  };
}

/** Reads the environment once at start-up; a bad value stops the start with a message that names it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  const limits: JobLimits = { ...JOB_DEFAULTS.limits };
  for (const [key, name] of JOB_LIMIT_ENV) {
    const limit = jobLimit(key).safeParse(env[name]);
    if (limit.success) limits[key] = limit.data;
    else problems.push(...limit.error.issues.map((issue) => `${name}: ${issue.message}`));
  }
  if (!parsed.success || problems.length > 0) throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  const settings = parsed.data;
  return {
    server: { port: settings.PORT, host: settings.HOST, logLevel: settings.LOG_LEVEL, shutdownGraceMs: settings.SHUTDOWN_GRACE_MS },
    app: {
      bodyLimit: settings.BODY_LIMIT_BYTES,
      maxEventLoopDelayMs: settings.MAX_EVENT_LOOP_DELAY_MS,
      trustProxy: settings.TRUST_PROXY,
      shutdownGraceMs: settings.SHUTDOWN_GRACE_MS,
      jobs: { limits, cores: settings.POOL_CORES, hybridThreads: settings.HYBRID_THREADS, token: settings.JOBS_TOKEN },
      advice: {
        cacheEntries: settings.ADVICE_CACHE_ENTRIES,
        cacheBytes: Math.round(settings.ADVICE_CACHE_MB * 2 ** 20),
        maxAgeSeconds: settings.ADVICE_MAX_AGE_SECONDS,
        ...(settings.ADVICE_THREADS !== undefined ? { threads: settings.ADVICE_THREADS } : {}),
      },
    },
  };
}

