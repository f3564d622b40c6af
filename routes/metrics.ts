import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { OverloadedReplySchema } from '../src/http/errors.js';

export const metricsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/metrics', {
    schema: {
      operationId: 'metrics',
      tags: ['operations'],
      summary: 'Prometheus metrics in the text exposition format',
      response: {
        200: {
          description: 'Requests by route and status, advice by model, event-loop lag, memory.',
          content: { 'text/plain': { schema: z.string() } },
        },
        503: OverloadedReplySchema,
      },
    },
    handler: async (_request, reply) => {
      reply.header('content-type', app.metrics.registry.contentType);
      return app.metrics.registry.metrics();
    },
  });
};
