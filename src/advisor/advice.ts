import { z } from 'zod';
import { RUNTIMES } from './profile.js';

export const MODEL_NAMES = ['sequential', 'threads', 'processes', 'hybrid', 'async'] as const;
const ModelName = z.enum(MODEL_NAMES);

const BOTTLENECKS = [
  'serial',
  'workers',
  'cores',
  'gil',
  'event-loop',
  'dispatcher',
  'shared-state',
  'concurrency-limit',
  'rate-limit',
] as const;

export const ClassificationSchema = z.object({
  kind: z.enum(['io-bound', 'cpu-bound', 'mixed']),
  cpuShare: z.number().min(0).max(1).describe('cpu / (cpu + wait) of one task.'),
  basis: z.enum(['declared', 'measured', 'workload']).describe('Where the per-task numbers came from.'),
});

const planFields = {
  model: ModelName,
  inner: z
    .enum(['threads', 'async'])
    .optional()
    .describe(
      'What each process runs its tasks on: a thread pool or an event loop. Present for threads, async and hybrid.',
    ),
  processes: z.number().int().min(1),
  threadsPerProcess: z
    .number()
    .int()
    .min(1)
    .describe('Threads per process; where `inner` is async, tasks in flight per event loop.'),
  chunkSize: z.number().int().min(1).describe('Tasks per message to a worker process (1 where nothing is sent).'),
  tasksInFlight: z
    .number()
    .int()
    .min(1)
    .describe('Most tasks the plan holds in flight at once: processes x threadsPerProcess, within the tasks and maxConcurrency.'),
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

export const PracticeSchema = z.object({ id: z.string(), title: z.string(), detail: z.string() });

export const ResolvedProfileSchema = z
  .object({
    runtime: z.enum(RUNTIMES),
    tasks: z.number().int(),
    cpuMsPerTask: z.number(),
    waitMsPerTask: z.number(),
    gilReleasedShare: z.number(),
    payloadBytesPerTask: z.number(),
    threadsPerTask: z.number().int(),
    cores: z.number().int(),
    maxConcurrency: z.number().int().optional().describe('Tasks in flight the downstream allows, given or assumed.'),
    maxRatePerSecond: z.number().optional(),
  })
  .describe('The numbers the model used, after defaults and assumptions.');

export const AdviceSchema = z
  .object({
    name: z.string().optional(),
    classification: ClassificationSchema,
    recommendation: RecommendationSchema,
    estimates: z.array(EstimateSchema).describe('Every model weighed, simplest first.'),
    rationale: z.array(z.string()).describe('The numbers that decided, as sentences.'),
    practices: z.array(PracticeSchema),
    warnings: z.array(z.string()),
    snippet: z.object({ language: z.enum(['python', 'typescript']), code: z.string() }),
    resolved: ResolvedProfileSchema,
  })
  .meta({ id: 'Advice' });

export type Advice = z.infer<typeof AdviceSchema>;
export type Practice = z.infer<typeof PracticeSchema>;
export type EstimateReply = z.infer<typeof EstimateSchema>;
