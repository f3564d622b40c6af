import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JobErrors } from '../../src/jobs/errors.js';
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

  test("a worker's failure is reported without the server's file paths", () => {
    const error = JobErrors.workerFailed('threads', 'No handler function exported from /srv/app/dist/workers/thread.js at file:///srv/app/x.js');
    assert.doesNotMatch(error.message, /\/srv|file:/);
    assert.match(error.message, /No handler function exported from <path>/);
  });
});
