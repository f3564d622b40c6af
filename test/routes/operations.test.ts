import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { ErrorReplySchema } from '../../src/schemas/errors.js';
import { startApp } from '../helpers.js';

describe('health, readiness and metrics', () => {
  let ctx: Awaited<ReturnType<typeof startApp>>;
  before(async () => {
    ctx = await startApp();
  });
  after(async () => {
    await ctx.app.close();
  });

  test('/ready answers while the app takes requests', async () => {
    const res = await ctx.http.get('/ready').expect(200);
    assert.equal(res.body.status, 'ready');
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
});
