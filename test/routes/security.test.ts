import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { jittered, JobErrors } from '../../src/jobs/errors.js';
import { HTTP_DEFAULTS } from '../../src/http/defaults.js';
import { ErrorReplySchema } from '../../src/http/errors.js';
import { startApp } from '../helpers/app.js';

describe('security basics', () => {
  test('replies carry the usual security headers', async () => {
    const { app, http } = await startApp();
    try {
      const res = await http.post('/advise').send({ tasks: 10, cpuMsPerTask: 1 }).expect(200);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
      assert.match(res.headers['content-security-policy'] ?? '', /default-src 'self'/);
      assert.doesNotMatch(res.headers['content-security-policy'] ?? '', /upgrade-insecure-requests/);
    } finally {
      await app.close();
    }
  });

  test('job requests are limited per client with 429 and Retry-After; advice is not', async () => {
    const { app, http } = await startApp({ jobs: { limits: { perClientPerMinute: 2 } } });
    try {
      const job = { pool: 'threads', tasks: 1, cpuMsPerTask: 0, waitMsPerTask: 0 };
      // The pools are not started here, so each admitted job is a 503: the limit counts requests, not work.
      await http.post('/jobs').send(job).expect(503);
      await http.post('/jobs/compare').send({ tasks: 1, cpuMsPerTask: 0, waitMsPerTask: 0 }).expect(503);
      const limited = await http.post('/jobs').send(job).expect(429);
      const error = ErrorReplySchema.parse(limited.body);
      assert.equal(error.code, 'RATE_LIMITED');
      assert.match(error.message, /more than 2 job requests in a minute/);
      assert.ok(Number(limited.headers['retry-after']) >= 1);
      for (let i = 0; i < 5; i++) await http.post('/advise').send({ tasks: 10, cpuMsPerTask: 1 }).expect(200);
    } finally {
      await app.close();
    }
  });

  test('with JOBS_TOKEN set, the job routes answer 401 without the token and run with it; advice stays open', async () => {
    const token = 'a-token-of-sixteen-chars';
    const { app, http } = await startApp({ jobs: { token } });
    try {
      const job = { pool: 'threads', tasks: 1, cpuMsPerTask: 0, waitMsPerTask: 0 };
      for (const [route, body] of [['/jobs', job], ['/jobs/compare', { tasks: 1, cpuMsPerTask: 0, waitMsPerTask: 0 }]] as const) {
        const missing = await http.post(route).send(body).expect(401);
        assert.equal(ErrorReplySchema.parse(missing.body).code, 'UNAUTHORIZED');
        assert.match(missing.body.message, /Authorization: Bearer/);
        assert.match(missing.headers['www-authenticate'] ?? '', /^Bearer/);
        await http.post(route).set('authorization', 'Bearer not-the-token-at-all').send(body).expect(401);
        // Past the token: the pools are not started here, so the job itself is refused with 503.
        await http.post(route).set('authorization', `Bearer ${token}`).send(body).expect(503);
      }
      await http.post('/advise').send({ tasks: 10, cpuMsPerTask: 1 }).expect(200);
      await http.get('/pools').expect(200);
    } finally {
      await app.close();
    }
  });

  test('a JSON body declared in another charset is refused with 415 naming it; UTF-8 and ASCII are read', async () => {
    const { app, http } = await startApp();
    try {
      const body = JSON.stringify({ tasks: 10, cpuMsPerTask: 1 });
      const refused = await http.post('/advise').set('content-type', 'application/json; charset=UTF-16').send(body).expect(415);
      const error = ErrorReplySchema.parse(refused.body);
      assert.equal(error.code, 'UNSUPPORTED_CHARSET');
      assert.match(error.message, /charset=UTF-16/);
      await http.post('/advise').set('content-type', 'application/json; charset="utf-8"').send(body).expect(200);
      await http.post('/advise').set('content-type', 'application/json;charset=us-ascii').send(body).expect(200);
    } finally {
      await app.close();
    }
  });

  test("refused jobs' Retry-After is spread so that refused clients do not return together", () => {
    const draws = (seconds: number) => new Set(Array.from({ length: 200 }, () => jittered(seconds)));
    for (const seconds of [1, 5, 12]) {
      const values = draws(seconds);
      assert.ok(values.size > 1, `${seconds} s: ${[...values]}`);
      for (const value of values) assert.ok(Number.isInteger(value) && value >= seconds && value <= seconds + Math.ceil(seconds / 2));
    }
    assert.equal(jittered(4, () => 0), 4);
    assert.equal(jittered(4, () => 0.999), 6);
    const retries = new Set(Array.from({ length: 50 }, () => JobErrors.unavailable('the pools are not started', HTTP_DEFAULTS.retryAfterSeconds).retryAfterSeconds));
    assert.ok(retries.size > 1);
  });

  test("a worker's failure is reported without the server's file paths", () => {
    const error = JobErrors.workerFailed('threads', 'No handler function exported from /srv/app/dist/workers/thread.js at file:///srv/app/x.js');
    assert.doesNotMatch(error.message, /\/srv|file:/);
    assert.match(error.message, /No handler function exported from <path>/);
  });
});
