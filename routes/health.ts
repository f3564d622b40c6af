import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HTTP_DEFAULTS } from '../src/http/defaults.js';
import { ErrorReplySchema, NOT_READY_REPLY, OVERLOADED } from '../src/http/errors.js';

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/health', {
    schema: {
      operationId: 'health',
      tags: ['operations'],
      summary: 'Liveness: the process answers, even under pressure',
      response: { 200: z.object({ status: z.literal('ok'), uptimeSeconds: z.number() }) },
    },
    handler: async () => ({ status: 'ok' as const, uptimeSeconds: process.uptime() }),
  });

  app.get('/ready', {
    schema: {
      operationId: 'ready',
      tags: ['operations'],
      summary: 'Readiness: the pools are started and the server is not shutting down (503 otherwise)',
      response: {
        200: z.object({ status: z.literal('ready') }),
        503: ErrorReplySchema.describe(`Not ready: the pools are not started or shutdown has begun; or ${OVERLOADED}.`),
      },
    },
    handler: async (_request, reply) => {
      if (app.jobs.ready) return { status: 'ready' as const };
      return reply.code(503).header('retry-after', HTTP_DEFAULTS.retryAfterSeconds).send(NOT_READY_REPLY);
    },
  });
};
