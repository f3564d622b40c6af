import { z } from 'zod';
import { WORK_KINDS } from './classify.js';
import { BOTTLENECKS } from './model/estimate.js';
import { EXECUTION_MODELS } from './plan.js';
import { RUNTIMES } from './profile.js';
import { LANGUAGES } from './runtimes.js';
import { COST_BASES } from './work.js';

const ExecutionModelSchema = z.enum(EXECUTION_MODELS);

export const ClassificationSchema = z.object({
  kind: z.enum(WORK_KINDS),
  cpuShare: z.number().min(0).max(1).describe('cpu / (cpu + wait) of one task.'),
  basis: z.enum(COST_BASES).describe('Where the per-task numbers came from.'),
});

export const RecommendationSchema = z.object({
  model: ExecutionModelSchema,
  processes: z.number().int().min(1),
  threadsPerProcess: z.number().int().min(1).describe('Threads per process; for async, tasks in flight at once.'),
  chunkSize: z.number().int().min(1).describe('Tasks per message to a worker process (1 where nothing is sent).'),
  predictedWallMs: z.number().min(0),
  predictedSpeedup: z.number().min(0).describe('Sequential wall time / predicted wall time.'),
});

export const EstimateSchema = z.object({
  model: ExecutionModelSchema,
  processes: z.number().int().min(1),
  threadsPerProcess: z.number().int().min(1),
  chunkSize: z.number().int().min(1),
  predictedWallMs: z.number().min(0),
  predictedSpeedup: z.number().min(0),
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
    maxConcurrency: z.number().int().optional(),
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
    snippet: z.object({ language: z.enum(LANGUAGES), code: z.string() }),
    resolved: ResolvedProfileSchema,
  })
  .meta({ id: 'Advice' });

export type Advice = z.infer<typeof AdviceSchema>;
export type Practice = z.infer<typeof PracticeSchema>;
export type EstimateReply = z.infer<typeof EstimateSchema>;
