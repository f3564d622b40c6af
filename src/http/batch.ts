import { z } from 'zod';
import { AdviceSchema } from '../advisor/advice.js';
import { ErrorReplySchema } from './errors.js';
import { EXAMPLE_PROFILE, ProfileSchema } from '../advisor/profile.js';

export const MAX_BATCH_PROFILES = 100;

/** What the document shows: a list of profiles. */
export const BatchRequestSchema = z
  .strictObject({
    profiles: z.array(ProfileSchema).min(1).max(MAX_BATCH_PROFILES),
  })
  .meta({
    example: {
      profiles: [EXAMPLE_PROFILE, { runtime: 'node', tasks: 10_000, workload: 'api-calls', maxConcurrency: 50 }],
    },
  });

/**
 * What the route checks up front: only the envelope. Each profile is validated on its own, so one bad
 * profile gets its own error while the others are still answered.
 */
export const BatchEnvelopeSchema = z.strictObject({
  profiles: z.array(z.unknown()).min(1).max(MAX_BATCH_PROFILES),
});

export const BatchResultSchema = z.discriminatedUnion('ok', [
  z.object({ index: z.number().int(), ok: z.literal(true), advice: AdviceSchema }),
  z.object({ index: z.number().int(), ok: z.literal(false), error: ErrorReplySchema }),
]);

export const BatchReplySchema = z.object({
  results: z.array(BatchResultSchema).describe('One result per profile, in the order sent.'),
  succeeded: z.number().int(),
  failed: z.number().int(),
});

export type BatchResult = z.infer<typeof BatchResultSchema>;
