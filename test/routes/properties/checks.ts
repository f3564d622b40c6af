import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import type { OpenAPIBackend, Operation } from 'openapi-backend';
import type { App } from '../../../src/app.js';
import { ErrorReplySchema, type ErrorReply } from '../../../src/http/errors.js';
import { parseLikeFastify } from './json-text.js';
import { JSON_TYPES, type Sent } from './requests.js';

/** What the server must do with a request before any route logic: refuse it, or hand the route this value. */
export type Outcome = { kind: 'unsupported' } | { kind: 'too-large' } | { kind: 'not-json' } | { kind: 'body'; value: unknown };

export function outcomeOf(sent: Sent, bodyLimit: number): Outcome {
  // Compared as the server receives it: a lone surrogate in the text arrives as U+FFFD.
  const bytes = Buffer.from(sent.text, 'utf8');
  // Without a Content-Type an empty POST has no body to parse, and the route sees none (null).
  if (sent.contentType === undefined && bytes.length === 0) return { kind: 'body', value: null };
  if (!JSON_TYPES.includes(sent.contentType!)) return { kind: 'unsupported' };
  if (bytes.length > bodyLimit) return { kind: 'too-large' };
  const parsed = parseLikeFastify(bytes.toString('utf8'));
  return parsed.json ? { kind: 'body', value: parsed.value } : { kind: 'not-json' };
}

const HANG_MS = 10_000;

/** The request through app.inject, failing rather than waiting when the server never answers. */
export async function send(app: App, url: string, sent: Sent): Promise<LightMyRequestResponse> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no reply to POST ${url} within ${HANG_MS} ms`)), HANG_MS);
  });
  try {
    const headers = sent.contentType === undefined ? {} : { 'content-type': sent.contentType };
    return await Promise.race([app.inject({ method: 'POST', url, payload: sent.text, headers }), hang]);
  } finally {
    clearTimeout(timer);
  }
}

const operations = new WeakMap<OpenAPIBackend, Map<string, Operation>>();

/** An operation of the document, looked up once: openapi-backend finds one by id through all of them. */
function operationOf(api: OpenAPIBackend, operationId: string): Operation {
  const byId = operations.get(api) ?? new Map<string, Operation>();
  operations.set(api, byId);
  const operation = byId.get(operationId) ?? api.getOperation(operationId);
  if (!operation) throw new Error(`no operation ${operationId} in the document`);
  byId.set(operationId, operation);
  return operation;
}

/** A reply the document declares for the operation, whose body validates against it. */
export function assertDocumented(api: OpenAPIBackend, operationId: string, res: LightMyRequestResponse): void {
  const operation = operationOf(api, operationId);
  assert.ok(String(res.statusCode) in (operation.responses ?? {}), `${operationId} answered ${res.statusCode}, which the document does not declare`);
  const result = api.validateResponse(res.json(), operation, res.statusCode);
  if (!result.valid) assert.fail(`${operationId} ${res.statusCode} does not match the document: ${JSON.stringify(result.errors)}\n${res.body.slice(0, 500)}`);
}

/** A 4xx in the one error shape, declared by the document, with its code. */
export function assertClientError(api: OpenAPIBackend, operationId: string, res: LightMyRequestResponse, status: number, codes: string[]): ErrorReply {
  assert.equal(res.statusCode, status, res.body.slice(0, 500));
  assertDocumented(api, operationId, res);
  const body = ErrorReplySchema.parse(res.json());
  assert.equal(body.statusCode, status);
  assert.ok(codes.includes(body.code), `code ${body.code}, expected one of ${codes.join(', ')}`);
  return body;
}

/**
 * The fields a validation error names: every field the document refuses, and otherwise only fields a
 * cross-field rule faults; when the document accepts every field, exactly the rules' fields.
 */
export function assertNamesFields(issues: ErrorReply['issues'], refused: Set<string>, ruled: string[]): void {
  const named = new Set((issues ?? []).map((issue) => issue.path));
  const missing = [...refused].filter((path) => !named.has(path));
  const unexpected = [...named].filter((path) => !refused.has(path) && !ruled.includes(path));
  const exact = refused.size > 0 || (named.size === new Set(ruled).size && ruled.every((path) => named.has(path)));
  if (named.size === 0 || missing.length > 0 || unexpected.length > 0 || !exact) {
    assert.fail(
      `the 400 names ${JSON.stringify([...named])}; the document refuses ${JSON.stringify([...refused])}; ` +
        `the cross-field rules fault ${JSON.stringify(ruled)}; not named: ${JSON.stringify(missing)}; named for no fault: ${JSON.stringify(unexpected)}`,
    );
  }
}
