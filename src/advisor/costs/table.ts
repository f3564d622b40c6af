import { z } from 'zod';
import { RUNTIMES } from '../profile.js';
import { COST_TABLES } from './index.js';
import { COST_DESCRIPTIONS, COST_NAMES } from './types.js';

const CostEntrySchema = z.object({ value: z.number(), source: z.string(), description: z.string() });

export const CostsReplySchema = z
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
