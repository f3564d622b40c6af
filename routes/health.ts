import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

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
      summary: 'Readiness: taking requests (fastify answers 503 once shutdown has begun)',
      response: { 200: z.object({ status: z.literal('ready') }) },
    },
    handler: async () => ({ status: 'ready' as const }),
  });
};
