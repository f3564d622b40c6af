import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { z } from 'zod';
import { HTTP_DEFAULTS } from '../../src/http/defaults.js';
import { INVALID_BODIES } from '../../src/http/examples.js';
import { overloadedReply } from '../../src/http/under-pressure.js';
import {
  RECORDED_COMPARE_REPLY,
  RECORDED_HEALTH_REPLY,
  RECORDED_JOB_REPLY,
  RECORDED_POOLS_REPLY,
} from '../../src/http/recorded-replies.js';
import { BATCH_EXAMPLE } from '../../src/http/batch.js';
import { CompareResultSchema, JobResultSchema, PoolsReplySchema } from '../../src/jobs/schema.js';
import { EXAMPLE_PROFILE } from '../../src/advisor/profile.js';
import { startApp } from '../helpers/app.js';
import { servedDocument, type Json } from '../helpers/openapi-document.js';

type App = Awaited<ReturnType<typeof startApp>>['app'];

/** The example reply the document shows for an operation and status. */
function exampleOf(document: Json, operationId: string, status: number): unknown {
  for (const methods of Object.values<Json>(document.paths)) {
    for (const operation of Object.values<Json>(methods)) {
      if (operation.operationId !== operationId) continue;
      const content = operation.responses[String(status)]?.content ?? {};
      return (Object.values(content)[0] as { example?: unknown } | undefined)?.example;
    }
  }
  throw new Error(`no operation ${operationId}`);
}

async function send(app: App, method: 'GET' | 'POST', url: string, payload?: unknown, contentType = 'application/json'): Promise<LightMyRequestResponse> {
  const body = payload === undefined || typeof payload === 'string' ? payload : JSON.stringify(payload);
  return app.inject({ method, url, payload: body, headers: payload === undefined ? {} : { 'content-type': contentType } });
}

/** A reply whose figures depend on the moment (seconds to wait, tasks done): the same words, any numbers. */
function assertSameTemplate(actual: { message: string }, example: unknown): void {
  const { message, ...rest } = example as { message: string };
  assert.deepEqual({ ...actual, message: undefined }, { ...rest, message: undefined });
  const template = new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\d+/g, '\\d+')}$`);
  assert.match(actual.message, template);
}

describe('the OpenAPI document', () => {
  let ctx: Awaited<ReturnType<typeof startApp>>;
  let document: Json;
  before(async () => {
    ctx = await startApp({ maxEventLoopDelayMs: 0 });
    document = servedDocument(ctx.app);
  });
  after(async () => {
    await ctx.app.close();
  });

  test('has an example reply for every route and status', () => {
    for (const [path, methods] of Object.entries<Json>(document.paths)) {
      for (const [method, operation] of Object.entries<Json>(methods)) {
        for (const [status, response] of Object.entries<Json>(operation.responses)) {
          // A 304 (Not Modified) and any HEAD reply have no body by definition, so nothing to give an example of.
          if (status === '304' || method === 'head') {
            assert.equal(response.content, undefined, `${method} ${path} ${status} declares no body`);
            continue;
          }
          for (const [mediaType, media] of Object.entries<Json>(response.content)) {
            assert.ok(media.example !== undefined, `${method} ${path} ${status} ${mediaType} has no example`);
          }
        }
      }
    }
  });

  test('lists each schema once, under its own name, and every one is used', () => {
    const names = Object.keys(document.components.schemas);
    assert.deepEqual(names.filter((name) => name.endsWith('Input')), []);
    const text = JSON.stringify(document);
    for (const name of names) assert.ok(text.includes(`"#/components/schemas/${name}"`), `${name} is referred to`);
    assert.ok(names.includes('Profile') && names.includes('Advice'), names.join(', '));
  });

  test('bounds every integer by a real limit, never by the largest safe integer', () => {
    const text = JSON.stringify(document);
    assert.doesNotMatch(text, /9007199254740991/);
    const unbounded: string[] = [];
    const walk = (node: Json, where: string) => {
      if (node === null || typeof node !== 'object') return;
      if (node.type === 'integer' && (node.maximum === undefined || node.minimum === undefined)) unbounded.push(where);
      for (const [key, value] of Object.entries(node)) walk(value, `${where}.${key}`);
    };
    walk(document, '');
    assert.deepEqual(unbounded, []);
  });

  test('POST /advise: the example reply is the advice the server gives for the example profile', async () => {
    const res = await send(ctx.app, 'POST', '/advise', EXAMPLE_PROFILE);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), exampleOf(document, 'advise', 200));
    assert.deepEqual(document.components.schemas.Profile.example, EXAMPLE_PROFILE);
  });

  test('POST /advise/batch: the example reply is the server\'s for the example request', async () => {
    const res = await send(ctx.app, 'POST', '/advise/batch', BATCH_EXAMPLE);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), exampleOf(document, 'adviseBatch', 200));
  });

  test('the 400, 413 and 415 examples are what the server answers to such bodies', async () => {
    const oversized = { ...EXAMPLE_PROFILE, name: 'x'.repeat(ctx.app.initialConfig.bodyLimit ?? 0) };
    for (const [operationId, url] of [['advise', '/advise'], ['adviseBatch', '/advise/batch'], ['runJob', '/jobs'], ['compareJobs', '/jobs/compare']] as const) {
      const invalid = await send(ctx.app, 'POST', url, INVALID_BODIES[operationId]);
      assert.deepEqual([invalid.statusCode, invalid.json()], [400, exampleOf(document, operationId, 400)], url);
      const tooLarge = await send(ctx.app, 'POST', url, oversized);
      assert.deepEqual([tooLarge.statusCode, tooLarge.json()], [413, exampleOf(document, operationId, 413)], url);
      const notJson = await send(ctx.app, 'POST', url, 'tasks=1', 'text/plain');
      assert.deepEqual([notJson.statusCode, notJson.json()], [415, exampleOf(document, operationId, 415)], url);
    }
  });

  test('GET /costs and GET /ready without pools answer their examples exactly', async () => {
    assert.deepEqual((await send(ctx.app, 'GET', '/costs')).json(), exampleOf(document, 'costs', 200));
    const ready = await send(ctx.app, 'GET', '/ready');
    assert.deepEqual([ready.statusCode, ready.json()], [503, exampleOf(document, 'ready', 503)]);
  });

  test('the recorded replies of the measuring routes still have their schemas\' shape', () => {
    const strict = <T extends z.ZodObject>(schema: T) => z.strictObject(schema.shape);
    JobResultSchema.parse(RECORDED_JOB_REPLY);
    strict(JobResultSchema).parse(RECORDED_JOB_REPLY);
    strict(CompareResultSchema).parse(RECORDED_COMPARE_REPLY);
    strict(PoolsReplySchema).parse(RECORDED_POOLS_REPLY);
    assert.equal(RECORDED_HEALTH_REPLY.status, 'ok');
    assert.deepEqual(exampleOf(document, 'runJob', 200), RECORDED_JOB_REPLY);
  });
});

describe('the example error replies whose figures vary are the server\'s words', () => {
  test('429 after the per-client limit, 503 OVERLOADED on a blocked loop', async () => {
    const limited = await startApp({ maxEventLoopDelayMs: 50, jobs: { limits: { perClientPerMinute: 1 } } });
    try {
      const document = servedDocument(limited.app);
      const sample = { tasks: 1, cpuMsPerTask: 1, waitMsPerTask: 0 };
      await send(limited.app, 'POST', '/jobs/compare', sample);
      const refused = await send(limited.app, 'POST', '/jobs/compare', sample);
      assert.equal(refused.statusCode, 429);
      assertSameTemplate(refused.json(), exampleOf(document, 'compareJobs', 429));
      const until = Date.now() + 1500;
      while (Date.now() < until);
      await sleep(100);
      const overloaded = await send(limited.app, 'POST', '/advise', EXAMPLE_PROFILE);
      assert.equal(overloaded.statusCode, 503);
      assertSameTemplate(overloaded.json(), exampleOf(document, 'advise', 503));
      // A loop that took no turn in a whole sample: under-pressure says Infinity, the reply the sample interval.
      const blocked = overloadedReply('eventLoopDelay', Number.POSITIVE_INFINITY);
      assertSameTemplate(blocked, exampleOf(document, 'advise', 503));
      assert.match(blocked.message, new RegExp(`at least ${HTTP_DEFAULTS.pressureSampleIntervalMs} ms`));
    } finally {
      await limited.app.close();
    }
  });

  test('401 on a server that sets JOBS_TOKEN, for a request without it', async () => {
    const guarded = await startApp({ maxEventLoopDelayMs: 0, jobs: { token: 'a-token-of-sixteen-chars' } });
    try {
      const document = servedDocument(guarded.app);
      for (const [operationId, url, body] of [
        ['runJob', '/jobs', { pool: 'threads', tasks: 1, cpuMsPerTask: 0, waitMsPerTask: 0 }],
        ['compareJobs', '/jobs/compare', { tasks: 1, cpuMsPerTask: 0, waitMsPerTask: 0 }],
      ] as const) {
        const refused = await send(guarded.app, 'POST', url, body);
        assert.deepEqual([refused.statusCode, refused.json()], [401, exampleOf(document, operationId, 401)], url);
      }
    } finally {
      await guarded.app.close();
    }
  });

  test('502 for a worker that exits, 504 past the deadline, 503 with a full queue', async () => {
    const pools = await startApp({ maxEventLoopDelayMs: 0, jobs: { startPools: true, limits: { queueSize: 0 } } });
    try {
      const document = servedDocument(pools.app);
      const crashed = await send(pools.app, 'POST', '/jobs', { pool: 'processes', tasks: 4, cpuMsPerTask: 1, waitMsPerTask: 0, crash: { atTask: 1, how: 'exit' } });
      assert.equal(crashed.statusCode, 502);
      assertSameTemplate(crashed.json(), exampleOf(document, 'runJob', 502));
      const late = await send(pools.app, 'POST', '/jobs', { pool: 'threads', tasks: 16, cpuMsPerTask: 0, waitMsPerTask: 200, workers: 1, timeoutMs: 50 });
      assert.equal(late.statusCode, 504);
      assertSameTemplate(late.json(), exampleOf(document, 'runJob', 504));
      const running = send(pools.app, 'POST', '/jobs', { pool: 'threads', tasks: 2, cpuMsPerTask: 0, waitMsPerTask: 300 });
      while ((await send(pools.app, 'GET', '/pools')).json().jobs.running === 0) await sleep(5);
      const full = await send(pools.app, 'POST', '/jobs', { pool: 'threads', tasks: 1, cpuMsPerTask: 0, waitMsPerTask: 0 });
      assert.equal(full.statusCode, 503);
      assertSameTemplate(full.json(), exampleOf(document, 'runJob', 503));
      assert.equal((await running).statusCode, 200);
    } finally {
      await pools.app.close();
    }
  });
});
