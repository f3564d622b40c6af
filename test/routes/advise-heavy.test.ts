import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BatchReplySchema, MAX_BATCH_PROFILES, parseProfilesInSlices } from '../../src/http/batch.js';
import { EXAMPLE_PROFILE } from '../../src/advisor/profile.js';
import { adviceFor } from '../helpers/advice.js';
import { startApp } from '../helpers/app.js';

/**
 * Heavy batches, in a file of their own: the test computes the expected advice in its own process, which
 * holds the event loop for seconds, and load shedding in an app beside it would then refuse other tests'
 * requests with 503. Here the app sheds no load.
 */
test('batches of deadline searches are computed off the event loop, and answer as the model does in-process', async () => {
  const { app, http } = await startApp({ maxEventLoopDelayMs: 0 });
  try {
    // Deadline searches on 1024 cores: tens of ms each, seconds for a batch if it held the event loop.
    const batches = Array.from({ length: 3 }, (_, b) =>
      Array.from({ length: 20 }, (_, i) => ({ tasks: 1e9 - 100 * b - i, cpuMsPerTask: 10, waitMsPerTask: 10, cores: 1024, deadlineMs: 1000 })),
    );
    const started = performance.now();
    let batchesDoneMs = 0;
    const replies = Promise.all(batches.map((profiles) => http.post('/advise/batch').send({ profiles }).then((res) => res))).then((all) => {
      batchesDoneMs = performance.now() - started;
      return all;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await http.get('/health').expect(200);
    const healthDoneMs = performance.now() - started;
    // The app runs in this process: had the batches held its event loop, /health would finish with them.
    for (const [b, res] of (await replies).entries()) {
      assert.equal(res.status, 200);
      const body = BatchReplySchema.parse(res.body);
      assert.equal(body.succeeded, 20);
      body.results.forEach((result, i) => {
        assert.ok(result.ok);
        assert.equal(JSON.stringify(result.advice), JSON.stringify(adviceFor(batches[b]![i]!, 2)), `batch ${b}, profile ${i}`);
      });
    }
    assert.ok(healthDoneMs < batchesDoneMs / 2, `/health done at ${Math.round(healthDoneMs)} ms, the batches at ${Math.round(batchesDoneMs)} ms`);
  } finally {
    await app.close();
  }
});

test('a batch is validated a slice at a time, so a request that arrives meanwhile is not held until all 100 are done', async () => {
  const order: string[] = [];
  const candidates = Array.from({ length: MAX_BATCH_PROFILES }, (_, i) => (i === 7 ? { ...EXAMPLE_PROFILE, tasks: 0 } : EXAMPLE_PROFILE));
  const parsing = parseProfilesInSlices(candidates).then((parsed) => {
    order.push('batch validated');
    return parsed;
  });
  setImmediate(() => order.push('other request'));
  const parsed = await parsing;
  assert.deepEqual(order, ['other request', 'batch validated']);
  // Every profile is still validated, in order, each on its own.
  assert.equal(parsed.length, MAX_BATCH_PROFILES);
  assert.deepEqual(parsed.flatMap((result, i) => (result.success ? [] : [i])), [7]);
});
