import { jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { replyExamples, type ExampleOptions } from './examples.js';

/** A JSON document walked generically: the OpenAPI object and its schemas. */
type Json = any;

const SCHEMAS = '#/components/schemas/';
const INPUT_SUFFIX = 'Input';

/** Names of the component schemas a node refers to, directly. */
function refsIn(node: Json, into: Set<string>): Set<string> {
  if (Array.isArray(node)) node.forEach((item) => refsIn(item, into));
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(SCHEMAS)) into.add(value.slice(SCHEMAS.length));
      else refsIn(value, into);
    }
  }
  return into;
}

function renameRefs(node: Json, renames: Map<string, string>): Json {
  if (Array.isArray(node)) return node.map((item) => renameRefs(item, renames));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(SCHEMAS)) {
        const name = value.slice(SCHEMAS.length);
        return [key, `${SCHEMAS}${renames.get(name) ?? name}`];
      }
      return [key, renameRefs(value, renames)];
    }),
  );
}

/**
 * fastify-type-provider-zod 7 lists every registered schema twice, as its input (`ProfileInput`) and its
 * output (`Profile`), whether or not a route uses both, and has no option to leave one out
 * (turkerdev/fastify-type-provider-zod#214). This keeps the schemas the paths refer to, and names an input
 * schema without its suffix when its output twin is not used: a request schema and a reply schema are each
 * listed once, under their own names. A schema used both ways would keep both (they can differ: defaults).
 */
export function withEachSchemaOnce(document: Json): Json {
  const schemas: Record<string, Json> = document.components?.schemas ?? {};
  const used = refsIn(document.paths, new Set());
  for (const pending = [...used]; pending.length > 0; ) {
    for (const name of refsIn(schemas[pending.pop()!], new Set())) {
      if (!used.has(name)) {
        used.add(name);
        pending.push(name);
      }
    }
  }
  const renames = new Map<string, string>();
  for (const name of used) {
    const base = name.slice(0, -INPUT_SUFFIX.length);
    if (name.endsWith(INPUT_SUFFIX) && !used.has(base) && base in schemas) renames.set(name, base);
  }
  const kept = Object.fromEntries(
    Object.keys(schemas)
      .filter((name) => used.has(name))
      .map((name) => [renames.get(name) ?? name, schemas[name]]),
  );
  return renameRefs({ ...document, components: { ...document.components, schemas: kept } }, renames);
}

/** What each route's 200 holds, where its schema gives @fastify/swagger no description ("Default Response"). */
const SUCCESS_DESCRIPTIONS: Record<string, string> = {
  advise: 'The advice: the classification, the recommended model with its sizes and predicted time, every model weighed, and why.',
  adviseBatch: 'One result per profile, in order: its advice, or its own error.',
  runJob: 'The sample job as measured on the pool.',
  compareJobs: 'The sample on every model, predicted and measured, and whether the recommendation agreed.',
  pools: 'Each started pool and the job queue.',
  costs: "Each runtime's constants.",
  health: 'The process answers.',
  ready: 'The pools are started.',
};

/** Gives each 200 a description and every reply its example, in the media type the route answers with. */
export function withDescribedReplies(document: Json, examples: Record<string, Record<string, unknown>>): Json {
  for (const methods of Object.values<Json>(document.paths ?? {})) {
    for (const operation of Object.values<Json>(methods)) {
      const success = operation.responses?.['200'];
      if (success?.description === 'Default Response' && SUCCESS_DESCRIPTIONS[operation.operationId]) {
        success.description = SUCCESS_DESCRIPTIONS[operation.operationId];
      }
      for (const [status, response] of Object.entries<Json>(operation.responses ?? {})) {
        const example = examples[operation.operationId]?.[status];
        if (example === undefined) continue;
        for (const media of Object.values<Json>(response.content ?? {})) media.example = example;
      }
    }
  }
  return document;
}

/** @fastify/swagger's transformObject: the zod components, each once, and a real example reply for every response. */
export function openapiTransformObject(options: ExampleOptions) {
  return (input: Parameters<typeof jsonSchemaTransformObject>[0]) =>
    withDescribedReplies(withEachSchemaOnce(jsonSchemaTransformObject(input)), replyExamples(options));
}
