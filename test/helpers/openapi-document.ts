import { OpenAPIBackend } from 'openapi-backend';
import type { App } from '../../src/app.js';

/** A JSON document of any shape: the OpenAPI document and its schemas, walked generically. */
export type Json = any;

/** The document the app serves at /docs/json (the same as openapi/openapi.json, which a test keeps in step). */
export function servedDocument(app: App): Json {
  return JSON.parse(JSON.stringify(app.swagger()));
}

/**
 * OpenAPI 3.0 writes an exclusive bound the draft-04 way (`minimum: 0, exclusiveMinimum: true`), which
 * is right for 3.0 and what zod emits for `.positive()`. openapi-backend 5 checks the document against a
 * meta-schema and compiles it with ajv, both in draft-07 terms, and json-schema-faker 0.6 reads 2020-12:
 * all three want the numeric form (`exclusiveMinimum: 0`). This rewrites one form into the other; the
 * bounds mean the same. The document itself is validated as it is, by swagger-parser.
 */
function withNumericExclusiveBounds(node: Json): Json {
  if (Array.isArray(node)) return node.map(withNumericExclusiveBounds);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, withNumericExclusiveBounds(value)]));
  for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (typeof out[flag] !== 'boolean') continue;
    if (out[flag]) out[flag] = out[bound];
    else delete out[flag];
    if (out[flag] !== undefined) delete out[bound];
  }
  return out;
}

/** openapi-backend over the served document: it routes a request to its operation and validates bodies. */
export async function documentValidator(document: Json): Promise<OpenAPIBackend> {
  const api = new OpenAPIBackend({
    definition: withNumericExclusiveBounds(document),
    strict: true,
    // The server answers 404 for /advise/; the document must not match it either.
    ignoreTrailingSlashes: false,
    // Every bad field, not the first: a 400 must name each one the document refuses.
    ajvOpts: { allErrors: true },
  });
  await api.init();
  return api;
}

/** The JSON Schema of an operation's request body, dereferenced, for json-schema-faker. */
export function requestBodySchema(api: OpenAPIBackend, operationId: string): Json {
  const operation = api.getOperation(operationId);
  const schema = (operation?.requestBody as Json)?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`${operationId} has no JSON request body in the document`);
  return schema;
}

/** A JSON pointer into the body ("/profiles/3/tasks"), as the dotted path the server's issues use. */
function dotted(pointer: string, extra?: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  return parts.length === 0 ? '(body)' : parts.join('.');
}

/**
 * The fields the document refuses in an operation's request body, as dotted paths; empty when it
 * accepts the body. It calls openapi-backend's compiled body validator directly: validateRequest would
 * route the request first, which costs more than the validation when run for every generated body.
 */
export function refusedFields(api: OpenAPIBackend, operationId: string, body: unknown): Set<string> {
  const [validateBody] = api.validator.getRequestValidatorsForOperation(operationId) ?? [];
  if (!validateBody) throw new Error(`${operationId} has no request body validator`);
  validateBody({ requestBody: body });
  const paths = new Set<string>();
  for (const error of validateBody.errors ?? []) {
    const pointer = error.instancePath.replace(/^\/requestBody/, '');
    const params = error.params as { missingProperty?: string; additionalProperty?: string };
    if (error.keyword === 'required') paths.add(dotted(pointer, params.missingProperty));
    else if (error.keyword === 'additionalProperties') paths.add(dotted(pointer, params.additionalProperty));
    else paths.add(dotted(pointer));
  }
  return paths;
}
