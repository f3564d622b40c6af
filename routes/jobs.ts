import fastifyBearerAuth from '@fastify/bearer-auth';
import type { FastifyReply, onRequestHookHandler } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { JobLimits } from '../src/jobs/defaults.js';
import { JobErrors } from '../src/jobs/errors.js';
import { BODY_ERROR_REPLIES, ErrorReplySchema, OVERLOADED, OverloadedReplySchema } from '../src/http/errors.js';
import { CompareResultSchema, compareRequestSchema, JobResultSchema, jobRequestSchema, PoolsReplySchema } from '../src/jobs/schema.js';

export interface JobsRoutesOptions {
  limits: JobLimits;
  /** When set, the routes that run jobs need `Authorization: Bearer <token>`. */
  token?: string;
}

const errorReplies = {
  400: ErrorReplySchema.describe('A field is invalid or over a limit: each one is named, with the limit.'),
  401: ErrorReplySchema.describe('This server sets JOBS_TOKEN, and the request did not send it as `Authorization: Bearer <token>`.'),
  429: ErrorReplySchema.describe('This client sent more job requests in a minute than allowed; see Retry-After.'),
  ...BODY_ERROR_REPLIES,
  502: ErrorReplySchema.describe('A pool worker crashed or was killed mid-job; it was replaced. Retry-After says when to retry.'),
  503: ErrorReplySchema.describe(`The job queue is full, the pools are not running, the server is shutting down, or ${OVERLOADED}; see Retry-After.`),
  504: ErrorReplySchema.describe('The job passed its deadline (timeoutMs) and was cancelled; the message says how far it got.'),
};

/**
 * A signal that fires when the client goes away before its reply is written. The request's own signal
 * fires as soon as a POST body has been read (fastify 5 on Node 20), so it would cancel every job.
 */
function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableEnded) controller.abort();
  });
  return controller.signal;
}

/** No token, or the server's bearer token: job routes need a token only on servers that set JOBS_TOKEN. */
const optionalToken: Array<Record<string, string[]>> = [{}, { jobsToken: [] }];

export const jobsRoutes: FastifyPluginAsyncZod<JobsRoutesOptions> = async (app, { limits, token }) => {
  // Jobs spend the CPU every client shares: each client (by address) gets its share of job requests per
  // minute, counted across both job routes (one limiter; per-route limits would count them apart).
  const perClient = app.rateLimit({
    max: limits.perClientPerMinute,
    timeWindow: 60_000,
    errorResponseBuilder: (_request, context) =>
      JobErrors.rateLimited(limits.perClientPerMinute, Math.max(1, Math.ceil(context.ttl / 1000))),
  });

  // Running jobs spends the server's CPU: a deployment that exposes the service can require a token for it.
  // Counted by the rate limit first, so guessing the token is limited too.
  const onRequest: onRequestHookHandler[] = [perClient];
  if (token !== undefined) {
    await app.register(fastifyBearerAuth, { keys: [token], addHook: false, verifyErrorLogLevel: 'info' });
    onRequest.push(app.verifyBearerAuth!);
  }

  const observe = async <T>(pool: string, run: () => Promise<T>): Promise<T> => {
    const stop = app.metrics.jobDuration.startTimer({ pool });
    try {
      const result = await run();
      stop({ outcome: 'ok' });
      return result;
    } catch (error) {
      stop({ outcome: (error as { code?: string }).code ?? 'error' });
      throw error;
    }
  };

  app.post('/jobs', {
    onRequest,
    schema: {
      operationId: 'runJob',
      security: optionalToken,
      tags: ['jobs'],
      summary: 'Run a sample job on a real pool and measure it',
      description:
        'Runs tasks of calibrated CPU work, blocking waits and payloads on the pool asked for (piscina threads, forked Node processes, a hybrid of both, an event loop, or one after another), one job at a time, and reports wall time, CPU time, speed-up and per-task times.',
      body: jobRequestSchema(limits),
      response: { 200: JobResultSchema, ...errorReplies },
    },
    handler: async (request, reply) => observe(request.body.pool, () => app.jobs.runJob(request.body, clientGone(reply))),
  });

  app.post('/jobs/compare', {
    onRequest,
    schema: {
      operationId: 'compareJobs',
      security: optionalToken,
      tags: ['jobs'],
      summary: "Run one sample on every model, beside the advisor's predictions",
      description:
        'Takes a sample job (no pool), or an advisor profile that is scaled down to a sample of a few seconds, runs it on every model the advisor weighs, and says which was fastest and whether the recommendation agreed.',
      body: compareRequestSchema(limits),
      response: { 200: CompareResultSchema, ...errorReplies },
    },
    handler: async (request, reply) => observe('compare', () => app.jobs.compare(request.body, clientGone(reply))),
  });

  app.get('/pools', {
    schema: {
      operationId: 'pools',
      tags: ['jobs'],
      summary: "Each started pool's size, busy workers, queue and utilisation",
      response: { 200: PoolsReplySchema, 503: OverloadedReplySchema },
    },
    handler: async () => app.jobs.pools(),
  });
};
