import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appForTests } from '../helpers/app.js';

// Shedding load is tested in operations.test.ts; here a slow machine must not turn a reply into a 503.
const app = appForTests({ maxEventLoopDelayMs: 0 });

describe('GET /health and /ready', () => {
  test('health answers', async () => {
    const res = await app().http.get('/health').expect(200);
    assert.equal(res.body.status, 'ok');
  });

  test("health is the process's liveness: its uptime, whether or not the pools run", async () => {
    const first = (await app().http.get('/health').expect(200)).body;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = (await app().http.get('/health').expect(200)).body;
    assert.ok(first.uptimeSeconds > 0);
    assert.ok(second.uptimeSeconds > first.uptimeSeconds, `${second.uptimeSeconds} after ${first.uptimeSeconds}`);
    assert.equal(app().app.jobs.ready, false, 'no pools were started');
  });

  test('/ready is 503 with Retry-After where the pools are not running', async () => {
    const res = await app().http.get('/ready').expect(503);
    assert.equal(res.body.code, 'NOT_READY');
    assert.ok(Number(res.headers['retry-after']) > 0);
  });
});
