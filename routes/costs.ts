import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { COST_TABLES } from '../src/advisor/costs/index.js';
import { COST_DESCRIPTIONS, COST_NAMES } from '../src/advisor/costs/types.js';
import { OverloadedReplySchema } from '../src/http/errors.js';
import { RUNTIMES } from '../src/advisor/profile.js';

const CostEntrySchema = z.object({ value: z.number(), source: z.string(), description: z.string() });

const CostsReplySchema = z
  .object({ runtimes: z.record(z.enum(RUNTIMES), z.record(z.string(), CostEntrySchema)) })
  .describe("Each runtime's model constants, with where each value came from.");

/** The reply never changes while the server runs: built once. */
export const COSTS_REPLY = {
  runtimes: Object.fromEntries(
    RUNTIMES.map((runtime) => [
      runtime,
      Object.fromEntries(
        COST_NAMES.map((name) => [name, { ...COST_TABLES[runtime][name], description: COST_DESCRIPTIONS[name] }]),
      ),
    ]),
  ) as z.infer<typeof CostsReplySchema>['runtimes'],
};

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
