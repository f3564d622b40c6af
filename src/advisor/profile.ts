import { z } from 'zod';
import { COST_DESCRIPTIONS, COST_NAMES, type CostName } from './costs/types.js';
import { WORKLOAD_NAMES } from './workloads.js';

export const RUNTIMES = ['cpython', 'cpython-free-threaded', 'pypy', 'node'] as const;
export type Runtime = (typeof RUNTIMES)[number];

/** State the tasks of a batch share besides their own inputs and outputs. */
export const SHARED_STATES = ['none', 'read-only', 'read-write'] as const;
export type SharedState = (typeof SHARED_STATES)[number];

export const LIMITS = {
  nameLength: 120,
  maxTasks: 1e9,
  maxCores: 1024,
  /** A task of more than a day is not a batch task; the bound keeps every product finite. */
  maxMsPerTask: 86_400_000,
  maxPayloadBytes: 1e12,
  maxThreadsPerTask: 1024,
  maxMemoryMb: 1e9,
  maxRatePerSecond: 1e9,
  /** One task every 1,000 s: slower is a queue, not a rate limit, and the bound keeps the wall time finite. */
  minRatePerSecond: 0.001,
} as const;

const msPerTask = (what: string) =>
  z.number().min(0).max(LIMITS.maxMsPerTask).describe(`Milliseconds of ${what} for one task.`);

export const MeasurementSchema = z
  .strictObject({
    wallMs: z.number().positive().max(1e15).describe('Wall time of one sequential run of `tasks` tasks, in ms.'),
    cpuMs: z.number().min(0).max(1e15).describe('CPU time of that run (user + sys, as `time` prints), in ms.'),
    tasks: z
      .number()
      .int()
      .min(1)
      .max(LIMITS.maxTasks)
      .optional()
      .describe("How many tasks that run did; defaults to the profile's `tasks`."),
  })
  .describe('Totals of one sequential run, measured by the client.');

/** Costs that are counts: a fractional thread count would reach the reply's integer pool sizes. */
const COUNT_COSTS: readonly CostName[] = ['maxThreadsPerProcess'];

const costOverrides = Object.fromEntries(
  COST_NAMES.map((name) => {
    const value = COUNT_COSTS.includes(name) ? z.number().int() : z.number();
    return [name, value.min(0).max(1e9).optional().describe(COST_DESCRIPTIONS[name])];
  }),
) as Record<CostName, z.ZodOptional<z.ZodNumber>>;

export const CostsOverrideSchema = z
  .strictObject(costOverrides)
  .describe("Costs measured on the client's own machine; each replaces the runtime's default (see GET /costs).");

const profileFields = {
  name: z.string().max(LIMITS.nameLength).optional().describe('A label echoed back in the reply.'),
  runtime: z.enum(RUNTIMES).default('cpython').describe('The runtime that will run the tasks.'),
  tasks: z.number().int().min(1).max(LIMITS.maxTasks).describe('Number of independent work items in the batch.'),
  cpuMsPerTask: msPerTask('CPU time (all threads of the task)').optional(),
  waitMsPerTask: msPerTask('waiting on IO, network or sleep').optional(),
  measurement: MeasurementSchema.optional(),
  workload: z
    .enum(WORKLOAD_NAMES)
    .optional()
    .describe('A kind of work, when the client has no numbers: typical costs are assumed and reported.'),
  gilReleasedShare: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe(
      "Share of CPU time spent in native code that releases the GIL (NumPy, hashlib, zlib). Default 0, or the workload's typical share.",
    ),
  payloadBytesPerTask: z
    .number()
    .int()
    .min(0)
    .max(LIMITS.maxPayloadBytes)
    .optional()
    .describe("Bytes sent to plus returned from one task. Default 0, or the workload's typical size."),
  threadsPerTask: z
    .number()
    .int()
    .min(1)
    .max(LIMITS.maxThreadsPerTask)
    .optional()
    .describe("Native threads one task keeps busy (BLAS, OpenMP). Default 1, or the workload's typical count."),
  cores: z
    .number()
    .int()
    .min(1)
    .max(LIMITS.maxCores)
    .optional()
    .describe("Cores of the machine that will run the batch. Default: the server's available parallelism."),
  maxConcurrency: z
    .number()
    .int()
    .min(1)
    .max(LIMITS.maxTasks)
    .optional()
    .describe(
      'Most tasks the downstream allows in flight at once (a connection pool, a server limit), shared by every machine of the batch. Default: 100 for work that waits (20 for database-queries); none for CPU-bound work.',
    ),
  maxRatePerSecond: z
    .number()
    .min(LIMITS.minRatePerSecond)
    .max(LIMITS.maxRatePerSecond)
    .optional()
    .describe('Most tasks per second the downstream allows (a token bucket rate limit), shared by every machine of the batch.'),
  memoryMbPerWorker: z
    .number()
    .positive()
    .max(LIMITS.maxMemoryMb)
    .optional()
    .describe('Resident memory of one worker process (interpreter, imports, a working set), in MB.'),
  memoryLimitMb: z.number().positive().max(LIMITS.maxMemoryMb).optional().describe('Memory the batch may use, in MB.'),
  needsIsolation: z
    .boolean()
    .default(false)
    .describe('A task may crash or leak and must not take the others down.'),
  blockingWaits: z
    .boolean()
    .default(false)
    .describe(
      "The tasks wait in blocking calls (a plain function calling time.sleep, requests or a DB-API driver; Node's fs *Sync) rather than awaiting: an event loop would stall on each wait until they are rewritten as coroutines, so the event-loop plans are shown as not viable. `task-advisor probe` sets it for a function that is not async.",
    ),
  sharedState: z
    .enum(SHARED_STATES)
    .default('none')
    .describe('State the tasks share besides their own inputs and outputs.'),
  deadlineMs: z.number().positive().max(1e15).optional().describe('The batch must finish within this many ms.'),
  costs: CostsOverrideSchema.optional(),
  basis: z
    .enum(['probed'])
    .optional()
    .describe(
      "Set by `task-advisor probe`: `cpuMsPerTask`, `waitMsPerTask` and the other figures were measured on a sample of the batch's own tasks. The reply's `classification.basis` says so.",
    ),
};

const DECLARED = ['cpuMsPerTask', 'waitMsPerTask'] as const;

/** Exactly one source of per-task cost; a second one would be silently ignored, so it is refused. */
function checkCostSource(profile: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const declared = DECLARED.filter((key) => profile[key] !== undefined);
  const sources = [
    declared.length > 0 ? declared.map((key) => `\`${key}\``).join(' and ') : undefined,
    profile.measurement !== undefined ? '`measurement`' : undefined,
    profile.workload !== undefined ? '`workload`' : undefined,
  ].filter((source): source is string => source !== undefined);
  if (sources.length === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['cpuMsPerTask'],
      message:
        'The per-task cost is missing: give `cpuMsPerTask` and `waitMsPerTask`, or `measurement`, or a `workload` category.',
    });
  } else if (profile.basis === 'probed' && declared.length < DECLARED.length) {
    ctx.addIssue({
      code: 'custom',
      path: ['basis'],
      message: '`basis: "probed"` describes measured `cpuMsPerTask` and `waitMsPerTask`: give both, and no `measurement` or `workload`.',
    });
  } else if (sources.length > 1) {
    const [keep, ...drop] = sources;
    ctx.addIssue({
      code: 'custom',
      path: [profile.workload !== undefined ? 'workload' : 'measurement'],
      message: `The per-task cost is given twice: ${sources.join(' and ')}. Send one source only: keep ${keep} and drop ${drop.join(' and ')}, or the other way round.`,
    });
  }
}

/** The README's mixed profile: what Swagger UI sends, and what its example reply answers. */
export const EXAMPLE_PROFILE = {
  tasks: 500,
  cpuMsPerTask: 100,
  waitMsPerTask: 200,
  cores: 8,
} as const;

export const ProfileSchema = z
  .strictObject(profileFields)
  .superRefine(checkCostSource)
  .describe('A batch of independent tasks: how many, what each costs, and where it will run.')
  .meta({ id: 'Profile', example: EXAMPLE_PROFILE });

export type ProfileInput = z.input<typeof ProfileSchema>;
export type Profile = z.output<typeof ProfileSchema>;
