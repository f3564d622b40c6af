import { z } from 'zod';

export const FieldIssueSchema = z.object({
  path: z.string().describe('Where the problem is, as a dotted path into the body ("measurement.wallMs", "profiles.3.tasks").'),
  message: z.string().describe('What is wrong, with the limit where there is one.'),
  code: z.string().describe("The validator's code for the problem (too_big, invalid_type, unrecognized_keys, ...)."),
  limit: z.number().optional().describe('The bound the value broke.'),
  allowed: z.array(z.string()).optional().describe('The values the field accepts.'),
});

export const ErrorReplySchema = z
  .object({
    statusCode: z.number().int().min(400).max(599).describe('The HTTP status again, for clients that log bodies only.'),
    error: z.string().describe('The status in words ("Bad Request").'),
    code: z.string().describe('A stable name for the error, to branch on (INVALID_REQUEST, QUEUE_FULL, RATE_LIMITED, ...).'),
    message: z.string().describe('What happened and what to change, in a sentence or two; no server paths or stack traces.'),
    issues: z.array(FieldIssueSchema).optional().describe('Each bad field of a 400, in the order found.'),
  })
  .meta({ id: 'ErrorReply' });

/** What every route but /health answers while the event loop lags past its limit (@fastify/under-pressure, src/http/under-pressure.ts). */
export const OVERLOADED = 'the server is overloaded (its event loop lags past the limit)';

export const OverloadedReplySchema = ErrorReplySchema.describe(`The request was refused because ${OVERLOADED}; see Retry-After.`);

/** The replies fastify itself gives any route with a JSON body, before the route's own validation. */
export const BODY_ERROR_REPLIES = {
  413: ErrorReplySchema.describe('The body is over the size limit.'),
  415: ErrorReplySchema.describe('The body is not JSON, or is declared in a charset other than UTF-8.'),
};

export type FieldIssue = z.infer<typeof FieldIssueSchema>;
export type ErrorReply = z.infer<typeof ErrorReplySchema>;

/** Readiness refused: the pools are not running (sent with HTTP_DEFAULTS.retryAfterSeconds). */
export const NOT_READY_REPLY: ErrorReply = {
  statusCode: 503,
  error: 'Service Unavailable',
  code: 'NOT_READY',
  message: 'The sample pools are not running (not started yet, turned off, or shutting down).',
};
