/**
 * Limits and sizes of the sample-job service, in one place. Each bounds what one client can make the
 * server's shared CPU do; every one can be set from the environment (src/config.ts).
 */
export interface JobLimits {
  maxTasks: number;
  maxCpuMsPerTask: number;
  maxWaitMsPerTask: number;
  maxPayloadBytesPerTask: number;
  /** tasks x (cpu + wait) of one job: the length of its sequential run. */
  maxWorkMs: number;
  /** Threads in a threads pool. */
  maxThreads: number;
  /** Processes in a processes or hybrid pool. */
  maxProcesses: number;
  maxThreadsPerProcess: number;
  defaultTimeoutMs: number;
  maxTimeoutMs: number;
  /** Jobs that may wait while one runs; beyond it a job is refused with 503 and Retry-After. */
  queueSize: number;
  /** How long the sequential run of a scaled-down /jobs/compare sample should take. */
  compareSampleMs: number;
  /** Job requests one client (by address) may make per minute; beyond it, 429 with Retry-After. */
  perClientPerMinute: number;
}

/** The largest value the environment may give any job limit (src/config.ts), so the bound of every count in a job reply. */
export const MAX_JOB_LIMIT = 1e9;

const DEFAULT_JOB_LIMITS: JobLimits = {
  maxTasks: 10_000,
  maxCpuMsPerTask: 1_000,
  maxWaitMsPerTask: 1_000,
  maxPayloadBytesPerTask: 4 * 1024 * 1024,
  maxWorkMs: 120_000,
  maxThreads: 64,
  maxProcesses: 16,
  maxThreadsPerProcess: 16,
  defaultTimeoutMs: 30_000,
  maxTimeoutMs: 120_000,
  queueSize: 4,
  compareSampleMs: 2_000,
  perClientPerMinute: 60,
};

/** The sample-job service's defaults: buildApp lays its options over them once. */
export const JOB_DEFAULTS = {
  limits: DEFAULT_JOB_LIMITS,
  /** Threads in each process of the resident hybrid pool, and of a hybrid job that does not say. */
  hybridThreads: 2,
  /** Start the pools with the app; off for the OpenAPI writer and tests that need no pools. */
  startPools: true,
} as const;

/** CPython's default switch interval (sys.getswitchinterval()), used by the GIL emulation. */
export const GIL_SWITCH_INTERVAL_MS = 5;

/** Pools kept besides the resident ones, for jobs that ask for other sizes; the least recently used is closed. */
export const MAX_EXTRA_POOLS = 4;

/** Tasks a pool is given ahead of its free workers, so none idles between tasks without queueing a whole job. */
export const DISPATCH_AHEAD_PER_WORKER = 2;

/**
 * Nice value of every pool worker: sample jobs are background work, and the API's own requests must win
 * the cores from them (`npm run bench`: /advise p99 under a CPU job fell from 2.5-3.9x idle to 0.9-2.1x).
 */
export const WORKER_NICENESS = 10;
