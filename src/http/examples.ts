import { errorCodes, type FastifyError } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { COSTS_REPLY } from '../advisor/costs/table.js';
import { advise } from '../advisor/advise.js';
import { clientErrorReply } from './error-handler.js';
import type { JobLimits } from '../jobs/defaults.js';
import { JobErrors } from '../jobs/errors.js';
import { BATCH_EXAMPLE, BatchEnvelopeSchema } from './batch.js';
import { NOT_READY_REPLY, type ErrorReply } from './errors.js';
import { compareRequestSchema, jobRequestSchema } from '../jobs/schema.js';
import { EXAMPLE_PROFILE, ProfileSchema } from '../advisor/profile.js';
import { overloadedReply } from './under-pressure.js';
import {
  RECORDED_COMPARE_REPLY,
  RECORDED_HEALTH_REPLY,
  RECORDED_JOB_REPLY,
  RECORDED_METRICS_REPLY,
  RECORDED_POOLS_REPLY,
} from './recorded-replies.js';

export interface ExampleOptions {
  defaultCores: number;
  bodyLimit: number;
  jobLimits: JobLimits;
}

/** Bodies that are refused, one per route with a body: the 400 examples are the server's replies to them. */
export const INVALID_BODIES = {
  advise: { ...EXAMPLE_PROFILE, tasks: 0, runtime: 'python' },
  adviseBatch: { profiles: [] },
  runJob: { pool: 'gpu', tasks: 16, cpuMsPerTask: 50, waitMsPerTask: 0 },
  compareJobs: { tasks: 16, cpuMsPerTask: 5000, waitMsPerTask: 0 },
} as const;

/** The event-loop delay the OVERLOADED example reports, in ms: past the default limit of 1000. */
const EXAMPLE_LOOP_DELAY_MS = 1290;

/**
 * Example replies for every route and status, keyed by operation id and status, each made by the code that
 * makes the real one: the advice from the model for the example profile, errors by the error handler and the
 * job errors, the measured replies as recorded from a real server. Built with the document, so they cannot
 * go stale; a test sends the matching requests and compares.
 */
export function replyExamples({ defaultCores, bodyLimit, jobLimits }: ExampleOptions): Record<string, Record<string, unknown>> {
  const handled = (error: Parameters<typeof clientErrorReply>[0]): ErrorReply => {
    const reply = clientErrorReply(error, bodyLimit);
    if (!reply) throw new Error(`no client reply for ${error.code}`);
    return reply.body;
  };
  const invalid = (schema: z.ZodType, body: unknown): ErrorReply => {
    const result = validatorCompiler({ schema, method: 'POST', url: '/', httpPart: 'body' })(body) as { error?: unknown };
    if (!result.error) throw new Error('the invalid example body was accepted');
    return handled({ statusCode: 400, code: 'FST_ERR_VALIDATION', message: '', validation: result.error as FastifyError['validation'] });
  };
  const tooLarge = handled(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
  const notJson = handled(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE('text/plain'));
  const overloaded = overloadedReply('eventLoopDelay', EXAMPLE_LOOP_DELAY_MS);
  const bodyErrors = { 413: tooLarge, 415: notJson };
  const jobErrors = {
    ...bodyErrors,
    // Only on a server started with JOBS_TOKEN: @fastify/bearer-auth's error, as the error handler words it.
    401: handled({ statusCode: 401, code: 'FST_BEARER_AUTH_MISSING_AUTHORIZATION_HEADER', message: 'missing authorization header' }),
    429: handled(JobErrors.rateLimited(jobLimits.perClientPerMinute, 60)),
    502: handled(JobErrors.workerFailed('processes', 'Worker exited unexpectedly')),
    503: handled(JobErrors.queueFull(jobLimits.queueSize, 2)),
    504: handled(JobErrors.deadlineExceeded(jobLimits.defaultTimeoutMs, 12, 16)),
  };
  const adviceOf = (profile: unknown) => advise(ProfileSchema.parse(profile), { defaultCores });
  return {
    advise: { 200: adviceOf(EXAMPLE_PROFILE), 400: invalid(ProfileSchema, INVALID_BODIES.advise), ...bodyErrors, 503: overloaded },
    adviseBatch: {
      200: {
        results: BATCH_EXAMPLE.profiles.map((profile, index) => ({ index, ok: true, advice: adviceOf(profile) })),
        succeeded: BATCH_EXAMPLE.profiles.length,
        failed: 0,
      },
      400: invalid(BatchEnvelopeSchema, INVALID_BODIES.adviseBatch),
      ...bodyErrors,
      503: overloaded,
    },
    runJob: { 200: RECORDED_JOB_REPLY, 400: invalid(jobRequestSchema(jobLimits), INVALID_BODIES.runJob), ...jobErrors },
    compareJobs: { 200: RECORDED_COMPARE_REPLY, 400: invalid(compareRequestSchema(jobLimits), INVALID_BODIES.compareJobs), ...jobErrors },
    pools: { 200: RECORDED_POOLS_REPLY, 503: overloaded },
    costs: { 200: COSTS_REPLY, 503: overloaded },
    health: { 200: RECORDED_HEALTH_REPLY },
    ready: { 200: { status: 'ready' }, 503: NOT_READY_REPLY },
    metrics: { 200: RECORDED_METRICS_REPLY, 503: overloaded },
  };
}
