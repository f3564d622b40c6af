import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { buildApp } from '../../src/app.js';
import { ErrorReplySchema } from '../../src/http/errors.js';
import { startApp } from '../helpers/app.js';

describe('health, readiness and metrics', () => {
  let ctx: Awaited<ReturnType<typeof startApp>>;
  before(async () => {
    ctx = await startApp({ jobs: { startPools: true } });
  });
  after(async () => {
    await ctx.app.close();
  });

  test('/ready answers once the pools are started', async () => {
    const res = await ctx.http.get('/ready').expect(200);
    assert.equal(res.body.status, 'ready');
  });

  test('/metrics has job durations per pool and outcome, and each pool\'s size, busy workers and queue', async () => {
    await ctx.http.post('/jobs').send({ pool: 'threads', tasks: 4, cpuMsPerTask: 1, waitMsPerTask: 0 }).expect(200);
    const res = await ctx.http.get('/metrics').expect(200);
    assert.match(res.text, /job_duration_seconds_count\{pool="threads",outcome="ok"\} 1/);
    assert.match(res.text, /pool_workers\{kind="threads",shape="1x2"\} 2/);
    assert.match(res.text, /pool_workers\{kind="hybrid",shape="2x2"\} 4/);
    assert.match(res.text, /pool_busy_workers\{kind="processes",shape="2x1"\} 0/);
    assert.match(res.text, /pool_queued_tasks\{kind="event-loop",shape="1x1"\} 0/);
    assert.match(res.text, /pool_utilization_ratio\{kind="threads",shape="1x2"\} 0\.\d+/);
    assert.match(res.text, /jobs_queued 0/);
  });

  test('/metrics counts requests per route and status, advice per model, and event-loop lag', async () => {
    await ctx.http.post('/advise').send({ tasks: 64, cpuMsPerTask: 200, waitMsPerTask: 0, gilReleasedShare: 0.95, cores: 8 }).expect(200);
    await ctx.http.post('/advise').send({ tasks: -1 }).expect(400);
    const res = await ctx.http.get('/metrics').expect(200).expect('content-type', /text\/plain/);
    assert.match(res.text, /http_request_duration_seconds_count\{route="\/advise",method="POST",status="200"\} 1/);
    assert.match(res.text, /http_request_duration_seconds_count\{route="\/advise",method="POST",status="400"\} 1/);
    assert.match(res.text, /advice_total\{model="threads"\} 1/);
    assert.match(res.text, /nodejs_eventloop_lag_seconds /);
  });
});

describe('overload', () => {
  test('a blocked event loop gets 503 with Retry-After, while /health still answers', async () => {
    const ctx = await startApp({ maxEventLoopDelayMs: 50 });
    try {
      // Block the loop well past the limit, then let under-pressure take its next sample.
      const until = Date.now() + 1500;
      while (Date.now() < until);
      await sleep(100);
      const res = await ctx.http.post('/advise').send({ tasks: 1, cpuMsPerTask: 1 }).expect(503);
      assert.equal(res.headers['retry-after'], '5');
      assert.equal(ErrorReplySchema.parse(res.body).code, 'OVERLOADED');
      await ctx.http.get('/health').expect(200);
    } finally {
      await ctx.app.close();
    }
  });

  test('a shed request ends at its 503: no route handler runs behind it', async () => {
    const app = await buildApp({ defaultCores: 2, jobs: { startPools: false }, maxEventLoopDelayMs: 50 });
    const handled: string[] = [];
    app.addHook('preHandler', async (request) => {
      handled.push(request.url);
    });
    await app.ready();
    try {
      const until = Date.now() + 1500;
      while (Date.now() < until);
      await sleep(100);
      for (const url of ['/metrics', '/pools', '/costs', '/ready']) {
        const res = await app.inject({ method: 'GET', url });
        assert.equal(res.statusCode, 503);
        assert.match(String(res.headers['content-type']), /^application\/json/);
      }
      assert.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
      assert.deepEqual(handled, ['/health']);
    } finally {
      await app.close();
    }
  });
});
