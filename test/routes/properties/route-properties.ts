import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import type { OpenAPIBackend } from 'openapi-backend';
import { JOB_DEFAULTS } from '../../../src/jobs/defaults.js';
import { AdviceSchema } from '../../../src/advisor/advice.js';
import { BatchReplySchema } from '../../../src/http/batch.js';
import { ErrorReplySchema } from '../../../src/http/errors.js';
import { startApp } from '../../helpers/app.js';
import { documentValidator, refusedFields, requestBodySchema, servedDocument, type Json } from '../../helpers/openapi-document.js';
import { batchBodies, compareBodies, jobBodies, profileBodies, type RouteSchemas } from './bodies.js';
import { assertClientError, assertDocumented, assertNamesFields, outcomeOf, send } from './checks.js';
import { requests, type Sent } from './requests.js';
import { compareRules, jobRules, profileRules } from './rules.js';

/**
 * Generated bodies against one POST route, in-process: never a 5xx, a crash or a hang; every 4xx in
 * the one error shape, naming each field at fault; every 200 as the document and the zod schemas say.
 * The pools are not started, so a valid job is refused with 503 POOLS_UNAVAILABLE and runs nothing.
 */

export const RUNS = 10_000;
/** Fixed so CI replays the same cases; fast-check prints it, with the failing case, when a property fails. */
const SEED = 20_260_511;
/** Small, so bodies over it are cheap to make. */
const BODY_LIMIT = 16 * 1024;

export const ROUTE_OPERATIONS = ['advise', 'adviseBatch', 'runJob', 'compareJobs'] as const;
export type RouteOperation = (typeof ROUTE_OPERATIONS)[number];

interface Route {
  url: string;
  bodies: fc.Arbitrary<Json>;
  /** Requests run before the generated ones: cases this property found, kept so they stay fixed. */
  examples?: Sent[];
  /** Checks the reply to a body that reached the route as JSON. */
  check: (value: unknown, res: LightMyRequestResponse) => void;
}

/** The routes, each with its bodies and the checks of its replies, over one app's document. */
function routes(api: OpenAPIBackend, schemas: RouteSchemas): Record<RouteOperation, Route> {
  /** A valid job reaches the pools, which are not running: proof that validation let it through. */
  const poolsUnavailable = (operationId: string) => (res: LightMyRequestResponse) => {
    assert.equal(res.statusCode, 503, res.body.slice(0, 500));
    assertDocumented(api, operationId, res);
    assert.equal(ErrorReplySchema.parse(res.json()).code, 'POOLS_UNAVAILABLE');
    assert.ok(Number(res.headers['retry-after']) > 0, 'Retry-After');
  };

  /** 200 (or the route's stand-in) when the document and the cross-field rules accept the body; else a 400 naming the fields. */
  const checkBody =
    (operationId: string, rules: (value: unknown) => string[], onValid: (res: LightMyRequestResponse) => void) =>
    (value: unknown, res: LightMyRequestResponse) => {
      const refused = refusedFields(api, operationId, value);
      const ruled = rules(value);
      if (refused.size === 0 && ruled.length === 0) return onValid(res);
      const error = assertClientError(api, operationId, res, 400, ['INVALID_REQUEST']);
      assertNamesFields(error.issues, refused, ruled);
    };

  /** A batch: the envelope is checked up front; each profile is answered, or refused with its own error, in order. */
  const checkBatch = (value: unknown, res: LightMyRequestResponse) => {
    const refused = refusedFields(api, 'adviseBatch', value);
    const envelope = new Set([...refused].filter((path) => !/^profiles\.\d+(\.|$)/.test(path)));
    if (envelope.size > 0) {
      const error = assertClientError(api, 'adviseBatch', res, 400, ['INVALID_REQUEST']);
      return assertNamesFields(error.issues, envelope, []);
    }
    assert.equal(res.statusCode, 200, res.body.slice(0, 500));
    assertDocumented(api, 'adviseBatch', res);
    const reply = BatchReplySchema.parse(res.json());
    const profiles = (value as { profiles: unknown[] }).profiles;
    assert.equal(reply.results.length, profiles.length);
    profiles.forEach((profile, index) => {
      const result = reply.results[index]!;
      assert.equal(result.index, index);
      const prefix = `profiles.${index}`;
      const own = new Set([...refused].filter((path) => path === prefix || path.startsWith(`${prefix}.`)));
      const ruled = profileRules(profile, `${prefix}.`);
      if (own.size === 0 && ruled.length === 0) {
        assert.ok(result.ok, `profile ${index} is valid but refused: ${JSON.stringify(result)}`);
      } else {
        assert.ok(!result.ok, `profile ${index} is invalid (${[...own, ...ruled].join(', ')}) but answered`);
        assert.equal(result.error.code, 'INVALID_PROFILE');
        assertNamesFields(result.error.issues, own, ruled);
      }
    });
    assert.equal(reply.succeeded, reply.results.filter((result) => result.ok).length);
    assert.equal(reply.failed, profiles.length - reply.succeeded);
  };

  return {
    advise: {
      url: '/advise',
      bodies: profileBodies(schemas),
      // A fractional thread count reached the reply's integer sizes: a 500, until the schema made it an integer.
      examples: [
        { contentType: 'application/json', text: '{"tasks": 100, "cpuMsPerTask": 1, "waitMsPerTask": 100, "costs": {"maxThreadsPerProcess": 2.5}}' },
      ],
      check: checkBody('advise', (value) => profileRules(value), (res) => {
        assert.equal(res.statusCode, 200, res.body.slice(0, 500));
        assertDocumented(api, 'advise', res);
        AdviceSchema.parse(res.json());
      }),
    },
    adviseBatch: { url: '/advise/batch', bodies: batchBodies(schemas), check: checkBatch },
    runJob: {
      url: '/jobs',
      bodies: jobBodies(schemas, JOB_DEFAULTS.limits),
      check: checkBody('runJob', (value) => jobRules(value, JOB_DEFAULTS.limits), poolsUnavailable('runJob')),
    },
    compareJobs: {
      url: '/jobs/compare',
      bodies: compareBodies(schemas, JOB_DEFAULTS.limits),
      check: checkBody('compareJobs', (value) => compareRules(value, JOB_DEFAULTS.limits), poolsUnavailable('compareJobs')),
    },
  };
}

export interface RouteReport {
  url: string;
  ms: number;
  statuses: Record<string, number>;
}

/** Runs the property for one route on an app of its own; throws fast-check's report (seed and case) when it fails. */
export async function checkRoute(operationId: RouteOperation): Promise<RouteReport> {
  // Load shedding off: this process's own synchronous work (compiling the document's validators,
  // generating bodies) would count as the server's event-loop delay and turn replies into 503s. The
  // per-client job limit is lifted too: every generated body comes from the one test client.
  const { app } = await startApp({ bodyLimit: BODY_LIMIT, maxEventLoopDelayMs: 0, jobs: { limits: { perClientPerMinute: 1e9 } } });
  try {
    const api = await documentValidator(servedDocument(app));
    const schemas: RouteSchemas = {
      profile: requestBodySchema(api, 'advise'),
      batch: requestBodySchema(api, 'adviseBatch'),
      job: requestBodySchema(api, 'runJob'),
      compare: requestBodySchema(api, 'compareJobs'),
    };
    const route = routes(api, schemas)[operationId];
    const statuses = new Map<number, number>();
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(requests(route.bodies, BODY_LIMIT), async (sent) => {
        const res = await send(app, route.url, sent);
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        const outcome = outcomeOf(sent, BODY_LIMIT);
        if (outcome.kind === 'unsupported') assertClientError(api, operationId, res, 415, ['FST_ERR_CTP_INVALID_MEDIA_TYPE']);
        else if (outcome.kind === 'too-large') assertClientError(api, operationId, res, 413, ['FST_ERR_CTP_BODY_TOO_LARGE']);
        else if (outcome.kind === 'not-json') {
          const error = assertClientError(api, operationId, res, 400, ['FST_ERR_CTP_EMPTY_JSON_BODY', 'FST_ERR_CTP_INVALID_JSON_BODY']);
          assert.equal(error.issues, undefined);
        } else route.check(outcome.value, res);
      }),
      { seed: SEED, numRuns: RUNS, includeErrorInReport: true, examples: (route.examples ?? []).map((sent) => [sent]) },
    );
    const ms = Math.round(performance.now() - started);
    // The server is still whole after them.
    assert.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
    return { url: route.url, ms, statuses: Object.fromEntries([...statuses].sort()) };
  } finally {
    await app.close();
  }
}
