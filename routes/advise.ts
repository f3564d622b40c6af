import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { validatorCompiler } from 'fastify-type-provider-zod';
import fresh from 'fresh';
import { z } from 'zod';
import { AdviceSchema } from '../src/advisor/advice.js';
import type { CachedReply } from '../src/http/advice-service.js';
import { BatchEnvelopeSchema, BatchReplySchema, BatchRequestSchema, parseProfilesInSlices, type BatchResult } from '../src/http/batch.js';
import { BODY_ERROR_REPLIES, ErrorReplySchema, OverloadedReplySchema } from '../src/http/errors.js';
import { ProfileSchema } from '../src/advisor/profile.js';
import { summarise, toFieldIssues } from '../src/http/validation-issues.js';

export interface AdviseRoutesOptions {
  /** How long a client may reuse a reply: the advice changes only when the server's costs or code do. */
  maxAgeSeconds: number;
}

const errorReplies = {
  400: ErrorReplySchema.describe('A field is invalid: each one is named, with what is wrong and the limit.'),
  ...BODY_ERROR_REPLIES,
  503: OverloadedReplySchema,
};

/** A 304 has no body: the client's copy, named by the ETag it sent in If-None-Match, is the reply. */
const notModified = z.null().describe("Not Modified: If-None-Match named this reply's ETag, so the client's copy is current.");

export const adviseRoutes: FastifyPluginAsyncZod<AdviseRoutesOptions> = async (app, { maxAgeSeconds }) => {
  const cacheControl = `max-age=${maxAgeSeconds}`;

  /**
   * The reply as cached, with its validators. If-None-Match answers 304 here although the method is POST
   * (RFC 9110 would have 412): the route is safe, a query with a body, and 304 is what a client holding the
   * reply can use.
   */
  function send(request: FastifyRequest, reply: FastifyReply, advice: CachedReply) {
    app.metrics.advice.inc({ model: advice.model });
    void reply.header('etag', advice.etag).header('cache-control', cacheControl);
    if (fresh(request.headers, { etag: advice.etag })) return reply.code(304).send();
    return sendJson(reply, advice.body);
  }

  app.post('/advise', {
    schema: {
      operationId: 'advise',
      tags: ['advice'],
      summary: 'Advise threads, processes, both, or neither for a batch of tasks',
      description:
        'Classifies the work, predicts the wall time of every execution model from a performance model of this runtime, and recommends the fastest viable one (a simpler one when within 5%), with sizes, reasons in numbers, practices and a code skeleton.',
      body: ProfileSchema,
      response: { 200: AdviceSchema, 304: notModified, ...errorReplies },
    },
    handler: async (request, reply) => send(request, reply, await app.advice.one(request.body)),
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
    handler: async (request, reply) => {
      const parsed = await parseProfilesInSlices(request.body.profiles);
      // A batch of 100 deadline searches costs seconds of CPU: it is computed on the advice pool, not here.
      const valid = parsed.flatMap((result) => (result.success ? [result.data] : []));
      const advice = await app.advice.many(valid);
      let next = 0;
      const results = parsed.map((result, index) => {
        if (!result.success) return JSON.stringify(invalidProfile(result.error.issues, index));
        const { body, model } = advice[next++]!;
        app.metrics.advice.inc({ model });
        // Each advice is already JSON (and may come from the cache): it is spliced in, not parsed and re-encoded.
        return `{"index":${index},"ok":true,"advice":${body}}`;
      });
      const succeeded = valid.length;
      return sendJson(reply, `{"results":[${results.join(',')}],"succeeded":${succeeded},"failed":${results.length - succeeded}}`);
    },
  });
};

/** Text that is already JSON: fastify sends a string with a JSON content type as it is, without a serializer. */
function sendJson(reply: FastifyReply, json: string) {
  return reply.type('application/json; charset=utf-8').send(json);
}

/** A profile's own error, with its index, so one bad profile cannot fail the rest. */
function invalidProfile(zodIssues: Parameters<typeof toFieldIssues>[0], index: number): BatchResult {
  const issues = toFieldIssues(zodIssues, ['profiles', index]);
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
