import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorReply } from './errors.js';
import { summarise, toFieldIssues, type RawIssue } from './validation-issues.js';

/** An error whose message is written for the client (see src/jobs/errors.ts), even with a 5xx status. */
interface ExposedError {
  expose: true;
  statusCode: number;
  code: string;
  message: string;
  retryAfterSeconds?: number;
}

function isExposed(error: unknown): error is ExposedError {
  return typeof error === 'object' && error !== null && (error as { expose?: unknown }).expose === true;
}

function statusText(status: number): string {
  return STATUS_CODES[status] ?? (status < 500 ? 'Bad Request' : 'Internal Server Error');
}

/** Messages for fastify's own body errors, said so that a client knows what to change. */
function clientMessage(error: Pick<FastifyError, 'code' | 'message'>, bodyLimit: number): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `The body is larger than the limit of ${bodyLimit} bytes.`;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'The body must be JSON: send it with Content-Type: application/json.';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The body is empty: send a JSON object.';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return `The body is not valid JSON: ${error.message}`;
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'The Content-Length header does not match the body that arrived.';
    case 'FST_BEARER_AUTH_MISSING_AUTHORIZATION_HEADER':
      return 'This server runs jobs only with its token: send `Authorization: Bearer <token>` (the JOBS_TOKEN it was started with).';
    case 'FST_BEARER_AUTH_INVALID_AUTHORIZATION_HEADER':
      return 'The token is not the one this server runs jobs with: send `Authorization: Bearer <token>` with its JOBS_TOKEN.';
    default:
      return error.message;
  }
}

export interface ErrorHandlerOptions {
  /** The app's body limit, named in the 413 message. */
  bodyLimit: number;
}

/**
 * The reply to an error a client can act on: each bad field of a validation error, a message written for the
 * client (`expose`), or what to change about the body. Undefined for a server error, whose details stay in the log.
 */
export function clientErrorReply(
  error: Pick<FastifyError, 'statusCode' | 'code' | 'message' | 'validation'> | ExposedError,
  bodyLimit: number,
): { body: ErrorReply; retryAfterSeconds?: number } | undefined {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const raw: RawIssue[] = error.validation.map((item) => ({
      ...(item.params as Record<string, unknown>),
      path: item.instancePath.split('/').filter((part) => part !== ''),
      code: item.keyword,
      message: item.message ?? 'is invalid',
    }));
    const issues = toFieldIssues(raw);
    return {
      body: { statusCode: 400, error: 'Bad Request', code: 'INVALID_REQUEST', message: `The request body is invalid: ${summarise(issues)}`, issues },
    };
  }
  if (isExposed(error)) {
    return {
      body: { statusCode: error.statusCode, error: statusText(error.statusCode), code: error.code, message: error.message },
      retryAfterSeconds: error.retryAfterSeconds,
    };
  }
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
  if (status >= 500) return undefined;
  const code = error.code?.startsWith('FST_BEARER_AUTH_') ? 'UNAUTHORIZED' : (error.code ?? 'BAD_REQUEST');
  return { body: { statusCode: status, error: statusText(status), code, message: clientMessage(error, bodyLimit) } };
}

/**
 * Every error reply has one shape. Validation errors list each bad field; client errors say what to
 * change; server errors say nothing about internals (the log has them, under the request id).
 */
async function handleErrors(app: FastifyInstance, { bodyLimit }: ErrorHandlerOptions) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = clientErrorReply(error, bodyLimit);
    if (known) {
      if (known.retryAfterSeconds !== undefined) void reply.header('retry-after', known.retryAfterSeconds);
      // RFC 6750: a 401 names the scheme the client must use.
      if (known.body.statusCode === 401) void reply.header('www-authenticate', 'Bearer realm="jobs"');
      return reply.code(known.body.statusCode).send(known.body);
    }
    const status = error.statusCode && error.statusCode >= 500 && error.statusCode < 600 ? error.statusCode : 500;
    request.log.error({ err: error }, 'request failed');
    const body: ErrorReply = {
      statusCode: status,
      error: statusText(status),
      code: 'INTERNAL_ERROR',
      message: `Something went wrong on our side; quote request id ${request.id} when you report it.`,
    };
    return reply.code(status).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    const body: ErrorReply = {
      statusCode: 404,
      error: 'Not Found',
      code: 'NOT_FOUND',
      message: `No route ${request.method} ${request.url.split('?')[0]}; the API is described at /docs.`,
    };
    return reply.code(404).send(body);
  });
}

export const errorHandler = fp(handleErrors, { name: 'error-handler' });

/**
 * Requests the HTTP parser cannot read (a body shorter than its Content-Length, a bad chunk, a garbled
 * request line, headers over the limit) never reach fastify's error handler: they are answered here,
 * in the same shape as every other error. Statuses as fastify's default handler: 408, 431, else 400.
 */
export function clientErrorHandler(error: ConnectionError, socket: Socket): void {
  // A reset connection has no one to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'REQUEST_TIMEOUT', 'The request did not arrive in time.']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'HEADERS_TOO_LARGE', 'The request headers are larger than the server accepts.']
        : [400, error.code ?? 'BAD_REQUEST', 'The request is not HTTP the server can read: check its request line, Content-Length and Transfer-Encoding.'];
  const body: ErrorReply = { statusCode: status, error: STATUS_CODES[status]!, code, message };
  const text = JSON.stringify(body);
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(text)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${text}`);
  }
  socket.destroy(error);
}
