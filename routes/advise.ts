import { setImmediate } from 'node:timers/promises';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { advise } from '../src/advisor/advise.js';
import { AdviceSchema } from '../src/advisor/advice.js';
import { BatchEnvelopeSchema, BatchReplySchema, BatchRequestSchema, type BatchResult } from '../src/http/batch.js';
import { BODY_ERROR_REPLIES, ErrorReplySchema, OverloadedReplySchema } from '../src/http/errors.js';
import { ProfileSchema } from '../src/advisor/profile.js';
import { summarise, toFieldIssues } from '../src/http/validation-issues.js';

export interface AdviseRoutesOptions {
  defaultCores: number;
}

const errorReplies = {
  400: ErrorReplySchema.describe('A field is invalid: each one is named, with what is wrong and the limit.'),
  ...BODY_ERROR_REPLIES,
  503: OverloadedReplySchema,
};

export const adviseRoutes: FastifyPluginAsyncZod<AdviseRoutesOptions> = async (app, { defaultCores }) => {
  app.post('/advise', {
    schema: {
      operationId: 'advise',
      tags: ['advice'],
      summary: 'Advise threads, processes, both, or neither for a batch of tasks',
      description:
        'Classifies the work, predicts the wall time of every execution model from a performance model of this runtime, and recommends the fastest viable one (a simpler one when within 5%), with sizes, reasons in numbers, practices and a code skeleton.',
      body: ProfileSchema,
      response: { 200: AdviceSchema, ...errorReplies },
    },
    handler: async (request) => {
      const advice = advise(request.body, { defaultCores });
      app.metrics.advice.inc({ model: advice.recommendation.model });
      return advice;
    },
  });

  app.post('/advise/batch', {
    schema: {
      operationId: 'adviseBatch',
      tags: ['advice'],
      summary: 'Advise on up to 100 profiles at once',
      description:
        'Each profile is validated and advised on its own: a bad profile gets its own error, with its index, while the others are still answered.',
      body: BatchRequestSchema,
      response: { 200: BatchReplySchema, ...errorReplies },
    },
    // The document shows full profiles; the route checks only the envelope so one bad profile cannot fail the rest.
    validatorCompiler: ({ method, url, httpPart }) =>
      validatorCompiler({ schema: BatchEnvelopeSchema, method, url, httpPart }),
    handler: async (request) => {
      const results: BatchResult[] = [];
      for (const [index, candidate] of request.body.profiles.entries()) {
        // One profile can cost a deadline search of tens of ms: let other requests in between profiles,
        // so a batch of 100 does not hold the event loop for seconds.
        if (index > 0) await setImmediate();
        results.push(resultFor(candidate, index));
      }
      const succeeded = results.filter((result) => result.ok).length;
      return { results, succeeded, failed: results.length - succeeded };
    },
  });

  /** A profile's advice, or its own error with its index, so one bad profile cannot fail the rest. */
  function resultFor(candidate: unknown, index: number): BatchResult {
    const parsed = ProfileSchema.safeParse(candidate);
    if (parsed.success) {
      const advice = advise(parsed.data, { defaultCores });
      app.metrics.advice.inc({ model: advice.recommendation.model });
      return { index, ok: true, advice };
    }
    const issues = toFieldIssues(parsed.error.issues, ['profiles', index]);
    return {
      index,
      ok: false,
      error: {
        statusCode: 400,
        error: 'Bad Request',
        code: 'INVALID_PROFILE',
        message: `Profile ${index} is invalid: ${summarise(issues)}`,
        issues,
      },
    };
  }
};
