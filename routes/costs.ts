import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { COSTS_REPLY, CostsReplySchema } from '../src/advisor/costs/table.js';
import { OverloadedReplySchema } from '../src/http/errors.js';

export const costsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/costs', {
    schema: {
      operationId: 'costs',
      tags: ['advice'],
      summary: "The model's constants per runtime, with their sources",
      description: 'Override any of them in a profile\'s `costs` object with figures measured on your own machine.',
      response: { 200: CostsReplySchema, 503: OverloadedReplySchema },
    },
    handler: async () => COSTS_REPLY,
  });
};
