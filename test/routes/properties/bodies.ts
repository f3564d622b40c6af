import fc from 'fast-check';
import { generateSync, type GenerateOptions } from 'json-schema-faker';
import type { JobLimits } from '../../../src/jobs/defaults.js';
import type { Json } from '../../helpers/openapi-document.js';
import { RawJson } from './json-text.js';
import { overWork, poolLimit, SAMPLE_KEYS } from './rules.js';
import { fieldValues, merged, unknownKey, wrongType } from './values.js';

interface Field {
  path: string[];
  schema: Json;
}

/** Every property of an object schema, nested objects included (measurement, costs, profile). */
function fieldsOf(schema: Json, prefix: string[] = []): Field[] {
  return Object.entries<Json>(merged(schema).properties ?? {}).flatMap(([key, property]) => {
    const field = { path: [...prefix, key], schema: property };
    return merged(property).properties ? [field, ...fieldsOf(property, field.path)] : [field];
  });
}

/** Bodies the document accepts, from json-schema-faker; fast-check draws the seed, so a failure replays. */
function fromSchema(schema: Json, options: GenerateOptions = {}): fc.Arbitrary<Json> {
  return fc.integer({ min: 0, max: 2 ** 31 - 1 }).map((seed) => generateSync(schema, { ...options, seed }) as Json);
}

type Mutation = { path: string[]; value: unknown } | { path: string[]; remove: true };

/** None, or up to three changes: a field set to a boundary, just past it or a wrong type; a field dropped; an unknown field. */
function mutations(schema: Json): fc.Arbitrary<Mutation[]> {
  const fields = fieldsOf(schema);
  const objects = [[], ...fields.filter((field) => merged(field.schema).properties).map((field) => field.path)];
  // Built once per field: arbitraries made inside a chain, per case, cost fast-check a bookkeeping entry each.
  const setField = fc.oneof(...fields.map((f) => fieldValues(f.schema).map((value): Mutation => ({ path: f.path, value }))));
  const some = fc.array(
    fc.oneof(
      { weight: 5, arbitrary: setField },
      { weight: 1, arbitrary: fc.constantFrom(...fields).map((f): Mutation => ({ path: f.path, remove: true })) },
      {
        weight: 2,
        arbitrary: fc.tuple(fc.constantFrom(...objects), unknownKey, wrongType).map(([parent, key, value]): Mutation => ({ path: [...parent, key], value })),
      },
    ),
    { minLength: 1, maxLength: 3 },
  );
  // A third of the bodies are left as generated, so that valid ones reach the route's logic.
  return fc.oneof(fc.constant<Mutation[]>([]), some, some);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof RawJson);
}

/** Sets own properties even for "__proto__", which plain assignment would take as the prototype. */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A deep copy that keeps RawJson values (structuredClone would make them plain objects). */
function clone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clone);
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) put(copy, key, clone(item));
  return copy;
}

/** The body with the changes made, on a copy; a change under a field that is no longer an object is skipped. */
function applied(body: Json, changes: Mutation[]): Json {
  if (!isPlainObject(body)) return body;
  const copy = clone(body) as Record<string, unknown>;
  for (const change of changes) {
    let parent: unknown = copy;
    for (const key of change.path.slice(0, -1)) {
      if (!isPlainObject(parent)) break;
      if (parent[key] === undefined) put(parent, key, {});
      parent = parent[key];
    }
    if (!isPlainObject(parent)) continue;
    const last = change.path[change.path.length - 1]!;
    if ('remove' in change) delete parent[last];
    else put(parent, last, change.value);
  }
  return copy;
}

const COST_SOURCES = [['cpuMsPerTask', 'waitMsPerTask'], ['measurement'], ['workload']];

/** Keeps one of the profile's cost sources (drawn by `pick`), or all of them when `pick` lands past the end. */
function withOneCostSource(profile: Json, pick: number): Json {
  const present = COST_SOURCES.filter((keys) => keys.some((key) => profile[key] !== undefined));
  const kept = present[pick % (present.length + 1)];
  if (!kept) return profile;
  const out = { ...profile };
  for (const keys of COST_SOURCES) if (keys !== kept) for (const key of keys) delete out[key];
  return out;
}

/** Fewer tasks when tasks x (cpu + wait) is over the server's work limit. */
function withinWorkLimit(sample: Json, limits: JobLimits): Json {
  if (!overWork(sample, limits)) return sample;
  return { ...sample, tasks: Math.max(1, Math.floor(limits.maxWorkMs / (sample.cpuMsPerTask + sample.waitMsPerTask))) };
}

/** A job the cross-field rules accept: fields of other pools dropped, workers and tasks within the limits. */
function withinJobRules(job: Json, limits: JobLimits): Json {
  const out = { ...job };
  if (out.pool !== 'hybrid') delete out.threadsPerProcess;
  if (out.pool !== 'processes' && out.pool !== 'hybrid') delete out.chunkSize;
  if (out.pool === 'sequential') delete out.workers;
  else if (out.workers !== undefined) out.workers = Math.min(out.workers, poolLimit(out.pool, limits));
  return withinWorkLimit(out, limits);
}

export interface RouteSchemas {
  profile: Json;
  batch: Json;
  job: Json;
  compare: Json;
}

/** A profile as POST /advise takes it: generated, mostly with one cost source, then perhaps broken. */
export function profileBodies(schemas: RouteSchemas): fc.Arbitrary<Json> {
  return fc
    .tuple(fromSchema(schemas.profile), fc.nat(), mutations(schemas.profile))
    .map(([profile, pick, changes]) => applied(withOneCostSource(profile, pick), changes));
}

/** The smallest profile, for batches at the length limits, where the envelope is what is tested. */
const TINY_PROFILE = { tasks: 1, cpuMsPerTask: 0, waitMsPerTask: 0, cores: 1 };

export function batchBodies(schemas: RouteSchemas): fc.Arbitrary<Json> {
  const profiles = fc.oneof(
    { weight: 30, arbitrary: fc.array(profileBodies(schemas), { minLength: 1, maxLength: 4 }) },
    { weight: 1, arbitrary: fc.constantFrom(0, 1, 100, 101).map((length) => Array.from({ length }, () => TINY_PROFILE)) },
  );
  return fc.tuple(profiles, mutations(schemas.batch)).map(([list, changes]) => applied({ profiles: list }, changes));
}

/** Jobs the server must run: generated from the document and kept within the cross-field rules. */
export function validJobBodies(schema: Json, limits: JobLimits): fc.Arbitrary<Json> {
  return fromSchema(schema).map((job) => withinJobRules(job, limits));
}

export function jobBodies(schemas: RouteSchemas, limits: JobLimits): fc.Arbitrary<Json> {
  return fc
    .tuple(fromSchema(schemas.job), fc.boolean(), mutations(schemas.job))
    .map(([job, keepRules, changes]) => applied(keepRules ? withinJobRules(job, limits) : job, changes));
}

/** A compare request in one of three forms: a profile alone, a sample alone, or whatever was generated. */
export function compareBodies(schemas: RouteSchemas, limits: JobLimits): fc.Arbitrary<Json> {
  const form = fc.constantFrom('profile', 'sample', 'as-generated');
  return fc
    .tuple(fromSchema(schemas.compare, { alwaysFakeOptionals: true }), fc.nat(), form, mutations(schemas.compare))
    .map(([request, pick, shape, changes]) => {
      let out = { ...request };
      if (shape === 'profile') {
        for (const key of SAMPLE_KEYS) delete out[key];
        out.profile = withOneCostSource(out.profile, pick);
      } else if (shape === 'sample') {
        delete out.profile;
        out = withinWorkLimit(out, limits);
      }
      return applied(out, changes);
    });
}
