import { z } from 'zod';
import { PLAN_SIZES } from '../advisor/advice.js';
import { EXECUTION_MODELS, type ExecutionModel } from '../advisor/plan.js';
import { LIMITS, ProfileSchema } from '../advisor/profile.js';
import { JOB_DEFAULTS, MAX_JOB_LIMIT, type JobLimits } from './defaults.js';
import { POOL_KINDS } from './pools.js';
import { CRASH_MODES } from './protocol.js';

/** A count in a job reply: within the largest limit the server can be configured with. */
const count = (least: number) => z.number().int().min(least).max(MAX_JOB_LIMIT);

/** Pools whose workers are threads of one process, where the GIL emulation applies. */
export const GIL_POOLS: readonly ExecutionModel[] = ['threads', 'hybrid'];

/** The fields of a sample task, bounded by the server's limits. */
function sampleFields(limits: JobLimits) {
  return {
    tasks: z.number().int().min(1).max(limits.maxTasks).describe('Tasks in the sample job.'),
    cpuMsPerTask: z
      .number()
      .min(0)
      .max(limits.maxCpuMsPerTask)
      .describe('CPU time of one task: a hash chain calibrated on this server to take that long on one core.'),
    waitMsPerTask: z
      .number()
      .min(0)
      .max(limits.maxWaitMsPerTask)
      .describe('Waiting of one task: a blocking wait in threads and processes, a timer in async.'),
    payloadBytesPerTask: z
      .number()
      .int()
      .min(0)
      .max(limits.maxPayloadBytesPerTask)
      .default(0)
      .describe("Bytes sent to plus returned from one task, through the pool's real transport."),
    gilReleasedShare: z
      .number()
      .min(0)
      .max(1)
      .default(0)
      .describe('Share of the CPU time run without the emulated GIL (native code that releases it).'),
    gil: z
      .boolean()
      .default(false)
      .describe("Emulate CPython's GIL in threads and hybrid: one lock per process, handed over every 5 ms."),
    timeoutMs: z
      .number()
      .int()
      .min(1)
      .max(limits.maxTimeoutMs)
      .default(limits.defaultTimeoutMs)
      .describe('Deadline for the whole request; past it the job is cancelled and the reply says so.'),
  };
}

function workOf(sample: { tasks: number; cpuMsPerTask: number; waitMsPerTask: number }): number {
  return sample.tasks * (sample.cpuMsPerTask + sample.waitMsPerTask);
}

function checkWork(limits: JobLimits) {
  return (sample: { tasks: number; cpuMsPerTask: number; waitMsPerTask: number }, context: z.RefinementCtx) => {
    const work = workOf(sample);
    if (work > limits.maxWorkMs) {
      context.addIssue({
        code: 'too_big',
        origin: 'number',
        maximum: limits.maxWorkMs,
        inclusive: true,
        path: ['tasks'],
        input: sample.tasks,
        message: `tasks x (cpuMsPerTask + waitMsPerTask) is ${Math.round(work)} ms of work, over the limit of ${limits.maxWorkMs} ms per job.`,
      });
    }
  };
}

export function jobRequestSchema(limits: JobLimits) {
  return z
    .strictObject({
      pool: z.enum(EXECUTION_MODELS).describe('The pool to run the sample on.'),
      ...sampleFields(limits),
      workers: z
        .number()
        .int()
        .min(1)
        .max(limits.maxTasks)
        .optional()
        .describe(
          `Threads (threads, at most ${limits.maxThreads}), processes (processes and hybrid, at most ${limits.maxProcesses}) or tasks in flight (async); default the server's cores.`,
        ),
      threadsPerProcess: z
        .number()
        .int()
        .min(1)
        .max(limits.maxThreadsPerProcess)
        .optional()
        .describe(`Threads in each hybrid process (hybrid only; default ${JOB_DEFAULTS.hybridThreads}).`),
      chunkSize: z
        .number()
        .int()
        .min(1)
        .max(limits.maxTasks)
        .optional()
        .describe("Tasks per message to a worker process (processes and hybrid); default the advisor's rule."),
      baseline: z
        .boolean()
        .default(false)
        .describe('Also run the sample sequentially in this request and give the speed-up against that run.'),
      crash: z
        .strictObject({
          atTask: z.number().int().min(0).max(limits.maxTasks - 1).describe('The index of the task that fails (0-based; below `tasks`).'),
          how: z.enum(CRASH_MODES).describe('"throw": the task raises an error; "exit": it ends its thread or process.'),
        })
        .optional()
        .describe(
          'Make one task fail, to see what a crash does to each pool: the job fails with 502, the pool replaces a worker that exited, and the next job runs.',
        ),
    })
    .superRefine(checkWork(limits))
    .superRefine((job, context) => {
      const poolLimit = job.pool === 'threads' ? limits.maxThreads : job.pool === 'async' ? limits.maxTasks : limits.maxProcesses;
      if (job.pool !== 'sequential' && job.workers !== undefined && job.workers > poolLimit) {
        context.addIssue({
          code: 'too_big',
          origin: 'number',
          maximum: poolLimit,
          inclusive: true,
          path: ['workers'],
          input: job.workers,
          message: `A ${job.pool} pool may have at most ${poolLimit} workers.`,
        });
      }
      if (job.pool === 'sequential' && job.workers !== undefined && job.workers !== 1) {
        context.addIssue({ code: 'custom', path: ['workers'], input: job.workers, message: 'A sequential run has exactly 1 worker: drop workers or send 1.' });
      }
      if (job.threadsPerProcess !== undefined && job.pool !== 'hybrid') {
        context.addIssue({ code: 'custom', path: ['threadsPerProcess'], input: job.threadsPerProcess, message: 'threadsPerProcess applies to the hybrid pool only: drop it or use pool "hybrid".' });
      }
      if (job.crash !== undefined && job.crash.atTask >= job.tasks) {
        context.addIssue({ code: 'too_big', origin: 'number', maximum: job.tasks - 1, inclusive: true, path: ['crash', 'atTask'], input: job.crash.atTask, message: `crash.atTask must name one of the ${job.tasks} tasks (0 to ${job.tasks - 1}).` });
      }
      if (job.chunkSize !== undefined && job.pool !== 'processes' && job.pool !== 'hybrid') {
        context.addIssue({ code: 'custom', path: ['chunkSize'], input: job.chunkSize, message: 'chunkSize applies to the processes and hybrid pools only: drop it for this pool.' });
      }
    })
    // No component id: each app builds this schema for its own limits, and an id in zod's process-wide
    // registry would point every app's document at the schema the last app built.
    .meta({ example: { pool: 'threads', tasks: 16, cpuMsPerTask: 50, waitMsPerTask: 0, baseline: true } });
}

export const TaskTimesSchema = z.object({ p50: z.number(), p95: z.number(), max: z.number() });

export const JobResultSchema = z
  .object({
    pool: z.enum(EXECUTION_MODELS),
    workers: count(1).describe('Threads, processes, or tasks in flight (async).'),
    threadsPerProcess: count(1).describe('Threads in each process (hybrid; 1 elsewhere).'),
    chunkSize: count(1).describe('Tasks per message to a worker (1 where each task is its own message).'),
    tasks: count(1),
    wallMs: z.number().describe('From the first task sent to the last result back, on a started pool.'),
    startupMs: z.number().describe('Starting the pool for this job (0 when a started pool was reused); not in wallMs.'),
    cpuMs: z.number().describe('CPU time (user + sys) of the server process and its pool processes during the run.'),
    speedup: z.number().describe('baselineMs / wallMs.'),
    efficiency: z.number().describe('speedup / workers in use.'),
    taskMs: TaskTimesSchema.describe("Each task's own time where it ran: waits for the (emulated) GIL included."),
    baselineMs: z.number().describe('The sequential run measured in this request (baseline: true), else tasks x (cpu + wait).'),
    baselineMeasured: z.boolean(),
    gilEmulated: z.boolean().describe("Whether the run emulated CPython's GIL (an emulation: a ticket lock handed over every 5 ms)."),
    notes: z.array(z.string()).describe('What the numbers rest on, and any request field that did not apply.'),
  })
  .meta({ id: 'JobResult' });

export function compareRequestSchema(limits: JobLimits) {
  const fields = sampleFields(limits);
  return z
    .strictObject({
      profile: ProfileSchema.optional().describe('An advisor profile, scaled down to a sample of a few seconds.'),
      tasks: fields.tasks.optional(),
      cpuMsPerTask: fields.cpuMsPerTask.optional(),
      waitMsPerTask: fields.waitMsPerTask.optional(),
      payloadBytesPerTask: fields.payloadBytesPerTask.unwrap().optional(),
      gilReleasedShare: fields.gilReleasedShare.unwrap().optional(),
      gil: fields.gil.unwrap().optional(),
      timeoutMs: fields.timeoutMs,
    })
    .superRefine((request, context) => {
      const sampleKeys = ['tasks', 'cpuMsPerTask', 'waitMsPerTask', 'payloadBytesPerTask', 'gilReleasedShare', 'gil'] as const;
      if (request.profile) {
        for (const key of sampleKeys) {
          if (request[key] !== undefined) {
            context.addIssue({ code: 'custom', path: [key], input: request[key], message: `Send either a profile or a sample, not both: drop ${key} or drop profile.` });
          }
        }
        return;
      }
      for (const key of ['tasks', 'cpuMsPerTask', 'waitMsPerTask'] as const) {
        if (request[key] === undefined) {
          context.addIssue({ code: 'custom', path: [key], input: undefined, message: `${key} is required when no profile is sent.` });
        }
      }
      if (request.tasks !== undefined && request.cpuMsPerTask !== undefined && request.waitMsPerTask !== undefined) {
        checkWork(limits)({ tasks: request.tasks, cpuMsPerTask: request.cpuMsPerTask, waitMsPerTask: request.waitMsPerTask }, context);
      }
    })
    // No component id, as for jobRequestSchema: it is built per app, for that app's limits.
    .meta({ example: { tasks: 16, cpuMsPerTask: 50, waitMsPerTask: 0 } });
}

export const SampleSchema = z.object({
  tasks: count(1),
  cpuMsPerTask: z.number(),
  waitMsPerTask: z.number(),
  payloadBytesPerTask: count(0),
  gilReleasedShare: z.number(),
  gil: z.boolean(),
  maxConcurrency: z.number().int().min(1).max(LIMITS.maxTasks).optional().describe("The profile's limit on tasks at once, kept in its sample."),
});

export const CompareRowSchema = z.object({
  model: z.enum(EXECUTION_MODELS),
  ...PLAN_SIZES,
  predictedWallMs: z.number(),
  predictedSpeedup: z.number(),
  measuredWallMs: z.number().describe('Measured on started pools, as predictedWallMs counts no pool start-up for a warm pool.'),
  measuredSpeedup: z.number().describe('The measured sequential row / this row.'),
  predictionError: z.number().describe('predicted / measured - 1.'),
});

export const CompareResultSchema = z
  .object({
    sample: SampleSchema.describe('What ran: the request, or the profile scaled down.'),
    cores: z.number().int().min(1).max(LIMITS.maxCores).describe('The cores the predictions assume: the ones this server may use.'),
    rows: z.array(CompareRowSchema),
    fastest: z.enum(EXECUTION_MODELS).describe('The model measured fastest.'),
    recommended: z.enum(EXECUTION_MODELS).describe("The advisor's recommendation for this sample on this server."),
    recommendedRan: z
      .boolean()
      .describe('Whether the recommended plan ran: false when no sample pool runs its kind (a hybrid of event loops), and agree is then false.'),
    agree: z.boolean().describe('Whether the recommended model measured within 10% of the fastest.'),
    notes: z.array(z.string()),
  })
  .meta({ id: 'CompareResult' });

export const PoolStatsSchema = z.object({
  kind: z.enum(POOL_KINDS),
  processes: count(1),
  threadsPerProcess: count(1),
  size: count(1).describe('Workers that run tasks at once (processes x threads).'),
  busy: count(0),
  queued: count(0).describe('Tasks handed to the pool and waiting for a worker.'),
  utilization: z.number().describe('Share of the pool\'s worker time spent on tasks since it started.'),
  resident: z.boolean().describe('Started with the server and kept; other pools serve jobs of other sizes.'),
});

export const PoolsReplySchema = z
  .object({
    iterationsPerMs: z.number().describe('Calibration: hash-chain steps per ms of CPU on this server.'),
    jobs: z.object({
      running: z.number().int().min(0).max(1).describe('Jobs run one at a time.'),
      queued: count(0).describe('Jobs waiting behind the running one.'),
      queueSize: count(0).describe('Jobs that may wait; beyond it a job gets 503.'),
    }),
    pools: z.array(PoolStatsSchema),
  })
  .meta({ id: 'Pools' });

export type JobRequest = z.output<ReturnType<typeof jobRequestSchema>>;
export type JobResult = z.infer<typeof JobResultSchema>;
export type CompareRequest = z.output<ReturnType<typeof compareRequestSchema>>;
export type CompareResult = z.infer<typeof CompareResultSchema>;
export type CompareRow = z.infer<typeof CompareRowSchema>;
export type Sample = z.infer<typeof SampleSchema>;
export type PoolsReply = z.infer<typeof PoolsReplySchema>;
