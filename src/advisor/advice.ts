import { z } from 'zod';
import { WORK_KINDS } from './classify.js';
import { BOTTLENECKS } from './model/estimate.js';
import { EXECUTION_MODELS, INNER_MODELS } from './plan.js';
import { LIMITS, RUNTIMES } from './profile.js';
import { LANGUAGES } from './runtimes.js';
import { COST_BASES } from './work.js';

const ExecutionModelSchema = z.enum(EXECUTION_MODELS);

/** Processes are weighed up to twice the cores (src/advisor/recommend.ts: long tasks finish sooner time-sliced). */
const MAX_PROCESSES = 2 * LIMITS.maxCores;

/** The sizes of a plan, with their bounds; a job comparison reports the same sizes. */
export const PLAN_SIZES = {
  processes: z.number().int().min(1).max(MAX_PROCESSES).describe('Worker processes (1 where the model runs in one process).'),
  threadsPerProcess: z
    .number()
    .int()
    .min(1)
    .max(LIMITS.maxTasks)
    .describe('Threads per process; for async (whatever its inner) and a hybrid of event loops, tasks in flight per event loop.'),
  chunkSize: z
    .number()
    .int()
    .min(1)
    .max(LIMITS.maxTasks)
    .describe('Tasks per message to a worker process (1 where nothing is sent).'),
};

export const ClassificationSchema = z.object({
  kind: z.enum(WORK_KINDS),
  cpuShare: z.number().min(0).max(1).describe('cpu / (cpu + wait) of one task.'),
  basis: z
    .enum(COST_BASES)
    .describe('Where the per-task numbers came from (`probed`: measured per task on a sample by `task-advisor probe`).'),
});

const planFields = {
  model: ExecutionModelSchema,
  inner: z
    .enum(INNER_MODELS)
    .optional()
    .describe(
      'What each process runs its tasks on: a thread pool or an event loop. Present for threads, async and hybrid.',
    ),
  ...PLAN_SIZES,
  tasksInFlight: z
    .number()
    .int()
    .min(1)
    .max(LIMITS.maxTasks)
    .describe('Most tasks the plan holds in flight at once: processes x threadsPerProcess, within the tasks and maxConcurrency.'),
  cpuThreads: z
    .number()
    .int()
    .min(1)
    .max(LIMITS.maxCores)
    .optional()
    .describe(
      "Present where an event loop hands each task's CPU to a thread pool (async, inner threads): that pool's threads, one per core at most. threadsPerProcess is then the tasks in flight on the loop.",
    ),
  predictedWallMs: z.number().min(0),
  predictedSpeedup: z.number().min(0).describe('Sequential wall time / predicted wall time.'),
};

export const RecommendationSchema = z.object(planFields);

export const EstimateSchema = z.object({
  ...planFields,
  startupMs: z.number().min(0).describe('Pool start-up and shutdown inside predictedWallMs.'),
  bottleneck: z.enum(BOTTLENECKS).describe('The resource that sets the wall time.'),
  viable: z.boolean(),
  reason: z.string().optional().describe('Why the model is not viable, or what limits it.'),
});

export const PracticeSchema = z.object({
  id: z.string().describe('A stable name for the practice, for linking and tests.'),
  title: z.string().describe('The practice in one line.'),
  detail: z.string().describe('Why it applies to this batch and how to follow it, in a few sentences with the numbers.'),
});

export const ResolvedProfileSchema = z
  .object({
    runtime: z.enum(RUNTIMES),
    tasks: z.number().int().min(1).max(LIMITS.maxTasks),
    cpuMsPerTask: z.number(),
    waitMsPerTask: z.number(),
    gilReleasedShare: z.number(),
    payloadBytesPerTask: z.number(),
    threadsPerTask: z.number().int().min(1).max(LIMITS.maxThreadsPerTask),
    cores: z.number().int().min(1).max(LIMITS.maxCores),
    maxConcurrency: z.number().int().min(1).max(LIMITS.maxTasks).optional().describe('Tasks in flight the downstream allows, given or assumed.'),
    maxRatePerSecond: z.number().optional(),
  })
  .describe('The numbers the model used, after defaults and assumptions: what the profile gave, exactly, and the per-task figures derived from a measurement to 3 significant figures.');

export const AdviceSchema = z
  .object({
    name: z.string().optional(),
    classification: ClassificationSchema,
    recommendation: RecommendationSchema,
    estimates: z.array(EstimateSchema).describe('Every model weighed, simplest first.'),
    rationale: z
      .array(z.string().describe('One sentence with the figures behind it.'))
      .describe('The numbers that decided, as sentences, most decisive first.'),
    practices: z.array(PracticeSchema).describe('What to do when running this batch, beyond choosing the model.'),
    warnings: z
      .array(z.string().describe('One sentence: what was assumed or is at risk, and what to send or change.'))
      .describe('Numbers that were assumed rather than given, and risks the model sees (memory, oversubscription, limits).'),
    snippet: z
      .object({
        language: z
          .enum(LANGUAGES)
          .describe('python for the CPython runtimes (3.11+) and PyPy (its Python 3.9+); javascript, an ES module for Node 20+, for node.'),
        code: z
          .string()
          .describe(
            'A skeleton of the recommended model at the advised sizes that runs as given (a JavaScript snippet\'s first line says how), as source text: lines end with a newline character (JSON shows each as \\n).',
          ),
      })
      .describe('Code to start from: the pool, its sizes and chunking, with a placeholder for the task.'),
    resolved: ResolvedProfileSchema,
  })
  .meta({ id: 'Advice' });

export type Advice = z.infer<typeof AdviceSchema>;
export type Practice = z.infer<typeof PracticeSchema>;
export type EstimateReply = z.infer<typeof EstimateSchema>;
