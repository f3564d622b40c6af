import { setImmediate as nextTurn } from 'node:timers/promises';
import { z } from 'zod';
import { AdviceSchema } from '../advisor/advice.js';
import { ErrorReplySchema } from './errors.js';
import { EXAMPLE_PROFILE, ProfileSchema } from '../advisor/profile.js';

export const MAX_BATCH_PROFILES = 100;

/** Profiles that give their cores, so the example reply is the same on every server. */
export const BATCH_EXAMPLE = {
  profiles: [EXAMPLE_PROFILE, { runtime: 'node', tasks: 10_000, workload: 'api-calls', maxConcurrency: 50, cores: 8 }],
} as const;

/** What the document shows: a list of profiles. */
export const BatchRequestSchema = z
  .strictObject({
    profiles: z.array(ProfileSchema).min(1).max(MAX_BATCH_PROFILES),
  })
  .meta({ example: BATCH_EXAMPLE });

/**
 * What the route checks up front: only the envelope. Each profile is validated on its own, so one bad
 * profile gets its own error while the others are still answered.
 */
export const BatchEnvelopeSchema = z.strictObject({
  profiles: z.array(z.unknown()).min(1).max(MAX_BATCH_PROFILES),
});

const index = z.number().int().min(0).max(MAX_BATCH_PROFILES - 1).describe("The profile's place in the request, from 0.");
const count = z.number().int().min(0).max(MAX_BATCH_PROFILES);

export const BatchResultSchema = z.discriminatedUnion('ok', [
  z.object({ index, ok: z.literal(true), advice: AdviceSchema }),
  z.object({ index, ok: z.literal(false), error: ErrorReplySchema }),
]);

export const BatchReplySchema = z.object({
  results: z.array(BatchResultSchema).describe('One result per profile, in the order sent.'),
  succeeded: count.describe('Profiles advised on.'),
  failed: count.describe('Profiles refused, each with its own error.'),
});

export type BatchResult = z.infer<typeof BatchResultSchema>;

/**
 * Profiles validated per turn of the event loop. Ten batches of 100 arriving together were validated back to back
 * in one go each, and /health waited 130-180 ms behind them; ten profiles take well under a millisecond.
 */
const PROFILES_PER_TURN = 10;

/** Each profile of a batch validated on its own, a slice per turn of the event loop, so other requests get in between. */
export async function parseProfilesInSlices(candidates: unknown[]): Promise<Array<ReturnType<typeof ProfileSchema.safeParse>>> {
  const parsed: Array<ReturnType<typeof ProfileSchema.safeParse>> = [];
  for (let start = 0; start < candidates.length; start += PROFILES_PER_TURN) {
    if (start > 0) await nextTurn();
    for (const candidate of candidates.slice(start, start + PROFILES_PER_TURN)) parsed.push(ProfileSchema.safeParse(candidate));
  }
  return parsed;
}
