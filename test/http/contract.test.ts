import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { LightMyRequestResponse } from 'fastify';
import type { OpenAPIBackend } from 'openapi-backend';
import { EXAMPLE_PROFILE } from '../../src/advisor/profile.js';
import { ErrorReplySchema } from '../../src/http/errors.js';
import { startApp } from '../helpers/app.js';
import { documentValidator, servedDocument } from '../helpers/openapi-document.js';

/**
 * The server answers only what its OpenAPI document says: each route and status a representative
 * request gets is declared there, and each reply validates against it, checked by openapi-backend.
 */

type Ctx = Awaited<ReturnType<typeof startApp>> & { api: OpenAPIBackend };

interface Call {
  method: string;
  url: string;
  payload?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

const BODY_LIMIT = 16 * 1024;
const oversized = { ...EXAMPLE_PROFILE, name: 'x'.repeat(BODY_LIMIT) };

/**
 * An app with openapi-backend over the document it serves. Load shedding is off unless asked for:
 * compiling the document's validators blocks this process's event loop, which the app would count
 * as its own delay and answer 503.
 */
async function contextOf(options: Parameters<typeof startApp>[0]): Promise<Ctx> {
  const ctx = await startApp({ bodyLimit: BODY_LIMIT, maxEventLoopDelayMs: 0, ...options });
  return { ...ctx, api: await documentValidator(servedDocument(ctx.app)) };
}

function headersOf(call: Call): Record<string, string> {
  return { ...(call.payload === undefined ? {} : { 'content-type': call.contentType ?? 'application/json' }), ...call.headers };
}

function inject(ctx: Ctx, call: Call): Promise<LightMyRequestResponse> {
  const body = typeof call.payload === 'string' || call.payload === undefined ? call.payload : JSON.stringify(call.payload);
  return ctx.app.inject({ method: call.method as 'GET', url: call.url, payload: body, headers: headersOf(call) });
}

/**
 * The reply to a call, held to the document: a route the document lacks is a 404 in the error shape;
 * for one it has, the status is declared, the body validates, and a 2xx came from a request the document accepts.
 */
function assertInContract(ctx: Ctx, call: Call, res: LightMyRequestResponse): void {
  const request = { method: call.method, path: call.url, headers: headersOf(call), body: call.payload };
  const operation = ctx.api.matchOperation(request);
  const where = `${call.method} ${call.url} -> ${res.statusCode}`;
  if (!operation) {
    assert.equal(res.statusCode, 404, `${where}: the document has no such route`);
    assert.equal(ErrorReplySchema.parse(res.json()).code, 'NOT_FOUND');
    return;
  }
  const declared = operation.responses?.[String(res.statusCode)];
  assert.ok(declared, `${where}: ${operation.operationId} does not declare ${res.statusCode}`);
  if (!(declared as { content?: object }).content || call.method === 'HEAD') {
    // A 304 is declared without a body, and HEAD answers the GET's headers without its body.
    assert.equal(res.body, '', `${where}: no body`);
    return;
  }
  const mediaType = String(res.headers['content-type']).split(';')[0]!;
  assert.ok(mediaType in ((declared as { content?: object }).content ?? {}), `${where}: ${mediaType} is not a declared media type`);
  const body = mediaType === 'application/json' ? res.json() : res.body;
  const result = ctx.api.validateResponse(body, operation, res.statusCode);
  assert.ok(result.valid, `${where}: ${JSON.stringify(result.errors)}\n${res.body.slice(0, 400)}`);
  if (res.statusCode < 300) {
    const accepted = ctx.api.validateRequest(request, operation);
    assert.ok(accepted.valid, `${where}: answered 2xx to a request the document refuses: ${JSON.stringify(accepted.errors)}`);
  }
}

async function expectStatus(ctx: Ctx, call: Call, status: number, code?: string): Promise<void> {
  const res = await inject(ctx, call);
  assertInContract(ctx, call, res);
  assert.equal(res.statusCode, status, `${call.method} ${call.url}: ${res.body.slice(0, 400)}`);
  if (code) assert.equal(ErrorReplySchema.parse(res.json()).code, code);
}

describe('the OpenAPI document', () => {
  test('is a valid OpenAPI 3.0 document (swagger-parser)', async () => {
    const bare = await startApp();
    try {
      const api = await SwaggerParser.validate(servedDocument(bare.app));
      assert.match((api as { openapi: string }).openapi, /^3\.0\./);
    } finally {
      await bare.app.close();
    }
  });
});

describe('every reply is in the contract', () => {
  let bare: Ctx;
  let pools: Ctx;
  before(async () => {
    bare = await contextOf({});
    // Started pools with no queue behind the running job, so a second job is refused at once.
    pools = await contextOf({ jobs: { startPools: true, limits: { maxWaitMsPerTask: 500, queueSize: 0 } } });
  });
  after(async () => {
    await Promise.all([bare.app.close(), pools.app.close()]);
  });

  test('POST /advise: 200, 400 for a bad field and for text that is not JSON, 413, 415', async () => {
    await expectStatus(bare, { method: 'POST', url: '/advise', payload: EXAMPLE_PROFILE }, 200);
    await expectStatus(bare, { method: 'POST', url: '/advise', payload: { tasks: 0, cpuMsPerTask: 1 } }, 400, 'INVALID_REQUEST');
    await expectStatus(bare, { method: 'POST', url: '/advise', payload: '{"tasks": 1,' }, 400, 'FST_ERR_CTP_INVALID_JSON_BODY');
    await expectStatus(bare, { method: 'POST', url: '/advise', payload: oversized }, 413, 'FST_ERR_CTP_BODY_TOO_LARGE');
    await expectStatus(bare, { method: 'POST', url: '/advise', payload: 'tasks=1', contentType: 'text/plain' }, 415, 'FST_ERR_CTP_INVALID_MEDIA_TYPE');
  });

  test('POST /advise: 304 on If-None-Match, 415 for another charset; HEAD on GET routes is documented', async () => {
    const { headers } = await inject(bare, { method: 'POST', url: '/advise', payload: EXAMPLE_PROFILE });
    await expectStatus(bare, { method: 'POST', url: '/advise', payload: EXAMPLE_PROFILE, headers: { 'if-none-match': String(headers.etag) } }, 304);
    await expectStatus(bare, { method: 'POST', url: '/advise', payload: EXAMPLE_PROFILE, contentType: 'application/json; charset=utf-16' }, 415, 'UNSUPPORTED_CHARSET');
    for (const url of ['/health', '/ready', '/costs', '/metrics', '/pools']) {
      const call = { method: 'HEAD', url };
      const res = await inject(bare, call);
      assert.ok(bare.api.matchOperation({ method: 'HEAD', path: url, headers: {} }), `HEAD ${url} is in the document`);
      assertInContract(bare, call, res);
    }
  });

  test('POST /advise/batch: 200, 400, 413, 415', async () => {
    // Only good profiles: the route also answers 200 around a bad one (its own error, in order), which
    // the document's stricter items schema does not describe; routes/advise.ts says so in the description.
    await expectStatus(bare, { method: 'POST', url: '/advise/batch', payload: { profiles: [EXAMPLE_PROFILE, { tasks: 10, workload: 'api-calls' }] } }, 200);
    await expectStatus(bare, { method: 'POST', url: '/advise/batch', payload: { profiles: [] } }, 400, 'INVALID_REQUEST');
    await expectStatus(bare, { method: 'POST', url: '/advise/batch', payload: { profiles: [oversized] } }, 413);
    await expectStatus(bare, { method: 'POST', url: '/advise/batch', payload: '{}', contentType: 'application/xml' }, 415);
  });

  test('POST /jobs: 200, 400, 413, 415, 503 without pools and with a full queue, 504 past the deadline', async () => {
    const job = { pool: 'threads', tasks: 4, cpuMsPerTask: 1, waitMsPerTask: 1 };
    await expectStatus(pools, { method: 'POST', url: '/jobs', payload: { ...job, baseline: true } }, 200);
    await expectStatus(bare, { method: 'POST', url: '/jobs', payload: job }, 503, 'POOLS_UNAVAILABLE');
    await expectStatus(bare, { method: 'POST', url: '/jobs', payload: { ...job, pool: 'gpu' } }, 400, 'INVALID_REQUEST');
    await expectStatus(bare, { method: 'POST', url: '/jobs', payload: { ...job, padding: 'x'.repeat(BODY_LIMIT) } }, 413);
    await expectStatus(bare, { method: 'POST', url: '/jobs', payload: 'pool=threads', contentType: 'application/x-www-form-urlencoded' }, 415);
    await expectStatus(pools, { method: 'POST', url: '/jobs', payload: { ...job, waitMsPerTask: 400, timeoutMs: 50 } }, 504, 'DEADLINE_EXCEEDED');
    // A job holds the only place; the next one is refused while it runs.
    const running = inject(pools, { method: 'POST', url: '/jobs', payload: { ...job, waitMsPerTask: 300 } });
    while ((await pools.app.inject({ method: 'GET', url: '/pools' })).json().jobs.running === 0) await sleep(5);
    await expectStatus(pools, { method: 'POST', url: '/jobs', payload: job }, 503, 'QUEUE_FULL');
    assert.equal((await running).statusCode, 200);
  });

  test('POST /jobs/compare: 200, 400, 413, 415, 503 without pools, 504 past the deadline', async () => {
    const sample = { tasks: 4, cpuMsPerTask: 1, waitMsPerTask: 1 };
    await expectStatus(pools, { method: 'POST', url: '/jobs/compare', payload: sample }, 200);
    await expectStatus(bare, { method: 'POST', url: '/jobs/compare', payload: { profile: EXAMPLE_PROFILE } }, 503, 'POOLS_UNAVAILABLE');
    await expectStatus(bare, { method: 'POST', url: '/jobs/compare', payload: { ...sample, profile: EXAMPLE_PROFILE } }, 400, 'INVALID_REQUEST');
    await expectStatus(bare, { method: 'POST', url: '/jobs/compare', payload: { profile: oversized } }, 413);
    await expectStatus(bare, { method: 'POST', url: '/jobs/compare', payload: 'tasks: 4', contentType: 'text/plain' }, 415);
    await expectStatus(pools, { method: 'POST', url: '/jobs/compare', payload: { ...sample, waitMsPerTask: 400, timeoutMs: 50 } }, 504, 'DEADLINE_EXCEEDED');
  });

  test('GET routes: /pools, /costs, /health, /metrics, and /ready both ready and not', async () => {
    for (const url of ['/pools', '/costs', '/health', '/metrics']) {
      await expectStatus(bare, { method: 'GET', url }, 200);
      await expectStatus(pools, { method: 'GET', url }, 200);
    }
    await expectStatus(pools, { method: 'GET', url: '/ready' }, 200);
    await expectStatus(bare, { method: 'GET', url: '/ready' }, 503, 'NOT_READY');
  });

  test('what the document does not have is a 404: unknown paths, other methods, a trailing slash', async () => {
    for (const [method, url] of [
      ['GET', '/nope'],
      ['GET', '/advise'],
      ['DELETE', '/jobs'],
      ['POST', '/health'],
      ['POST', '/advise/'],
    ] as const) {
      await expectStatus(bare, { method, url, payload: method === 'POST' ? EXAMPLE_PROFILE : undefined }, 404, 'NOT_FOUND');
    }
  });
});

describe('under load', () => {
  test('every route but /health answers 503 OVERLOADED, and the document declares it', async () => {
    const ctx = await contextOf({ maxEventLoopDelayMs: 50 });
    try {
      const calls: Call[] = [
        { method: 'POST', url: '/advise', payload: EXAMPLE_PROFILE },
        { method: 'POST', url: '/advise/batch', payload: { profiles: [EXAMPLE_PROFILE] } },
        { method: 'POST', url: '/jobs', payload: { pool: 'threads', tasks: 1, cpuMsPerTask: 1, waitMsPerTask: 0 } },
        { method: 'POST', url: '/jobs/compare', payload: { tasks: 1, cpuMsPerTask: 1, waitMsPerTask: 0 } },
        { method: 'GET', url: '/pools' },
        { method: 'GET', url: '/costs' },
        { method: 'GET', url: '/ready' },
        { method: 'GET', url: '/metrics' },
      ];
      // Block the loop well past the limit, then let under-pressure take its next sample (as operations.test.ts does).
      const until = Date.now() + 1500;
      while (Date.now() < until);
      await sleep(100);
      for (const call of calls) await expectStatus(ctx, call, 503, 'OVERLOADED');
      await expectStatus(ctx, { method: 'GET', url: '/health' }, 200);
    } finally {
      await ctx.app.close();
    }
  });
});
