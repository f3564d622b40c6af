import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { costsFor } from '../../src/advisor/costs/index.js';
import { cpythonCosts } from '../../src/advisor/costs/cpython.js';
import { predict } from '../../src/advisor/model/estimate.js';
import type { Plan } from '../../src/advisor/plan.js';
import { ProfileSchema, RUNTIMES, type ProfileInput } from '../../src/advisor/profile.js';
import { resolveWork } from '../../src/advisor/work.js';
import { adviceFor } from '../helpers/advice.js';
import type { Advice } from '../../src/advisor/advice.js';

const work = (input: Partial<ProfileInput>) =>
  resolveWork(ProfileSchema.parse({ tasks: 1000, cpuMsPerTask: 1, waitMsPerTask: 100, cores: 4, ...input }), 4);

const estimate = (advice: Advice, model: string, inner?: string) => {
  const found = advice.estimates.find((e) => e.model === model && e.inner === inner);
  assert.ok(found, `no ${model} ${inner ?? ''} estimate`);
  return found;
};

describe('async for every runtime', () => {
  test('asyncio, and a hybrid of processes each running an event loop, are weighed for every runtime', () => {
    for (const runtime of RUNTIMES) {
      const advice = adviceFor({ runtime, tasks: 5000, cpuMsPerTask: 1, waitMsPerTask: 200, cores: 8 });
      for (const [model, inner] of [['async', 'async'], ['async', 'threads'], ['hybrid', 'threads'], ['hybrid', 'async']]) {
        const e = estimate(advice, model!, inner);
        assert.ok(e.viable && e.predictedWallMs > 0, `${runtime} ${model} ${inner}`);
      }
    }
  });

  test("an event loop pays the loop's measured cost per task on one thread", () => {
    const costs = costsFor('cpython');
    assert.equal(costs.asyncDispatchMs, cpythonCosts.asyncDispatchMs.value);
    assert.match(cpythonCosts.asyncDispatchMs.source, /calibrate\.py/);
    // 100,000 tasks that only wait 1 ms, 1,000 in flight: the loop's own cost, not the waits, sets the time.
    const w = work({ tasks: 100_000, cpuMsPerTask: 0, waitMsPerTask: 1, maxConcurrency: 1000 });
    const loop: Plan = { model: 'async', processes: 1, threadsPerProcess: 1000, chunkSize: 1, inner: 'async' };
    const p = predict(w, loop, costs);
    assert.equal(p.bottleneck, 'event-loop');
    assert.ok(p.wallMs >= 100_000 * costs.asyncDispatchMs, `${p.wallMs} ms`);
    // Two processes each running a loop split it.
    const two: Plan = { model: 'hybrid', processes: 2, threadsPerProcess: 500, chunkSize: 12_500, inner: 'async' };
    assert.ok(predict(w, two, costs).wallMs < 0.6 * p.wallMs);
  });

  test('a loop runs all of a task\'s CPU itself; handing it to a thread per core computes in parallel where nothing holds a lock', () => {
    const w = work({ runtime: 'node', tasks: 2000, cpuMsPerTask: 10, waitMsPerTask: 100, cores: 8, maxConcurrency: 200 });
    const costs = costsFor('node');
    const alone = predict(w, { model: 'async', processes: 1, threadsPerProcess: 200, chunkSize: 1, inner: 'async' }, costs);
    const offloaded = predict(w, { model: 'async', processes: 1, threadsPerProcess: 200, chunkSize: 1, inner: 'threads' }, costs);
    assert.ok(alone.wallMs >= 2000 * 10, 'one thread computes everything');
    assert.ok(offloaded.wallMs < alone.wallMs / 4, `${offloaded.wallMs} vs ${alone.wallMs}`);
  });
});

describe('the everyday cases of the issue', () => {
  test('high-concurrency IO in Python gets asyncio: one loop, or one per process when one core cannot keep up', () => {
    // 10,000 requests of 200 ms, 1 ms of CPU each, a service that takes 1,000 at once: 10 s of callbacks would
    // hold one loop (and one GIL) far longer than the 2 s the waits need, so several processes each run a loop.
    const advice = adviceFor({ tasks: 10_000, cpuMsPerTask: 1, waitMsPerTask: 200, cores: 8, maxConcurrency: 1000 });
    const rec = advice.recommendation;
    assert.equal(rec.inner, 'async', JSON.stringify(rec));
    assert.ok(rec.model === 'hybrid' && rec.processes >= 4, JSON.stringify(rec));
    assert.ok(rec.tasksInFlight <= 1000);
    const threads = estimate(advice, 'threads', 'threads');
    assert.ok(threads.predictedWallMs > 3 * rec.predictedWallMs, 'a thread per request is held by one GIL');
  });

  test('fetching URLs with no stated limit: asyncio within 100 connections, a loop per process for the callbacks', () => {
    // 2,000 x (5 ms CPU + 300 ms wait) on 8 cores: 10 s of callbacks against 6.1 s of waits at 100 in flight.
    const advice = adviceFor({ tasks: 2000, cpuMsPerTask: 5, waitMsPerTask: 300, cores: 8 });
    const rec = advice.recommendation;
    assert.ok(rec.tasksInFlight <= 100);
    assert.equal(rec.inner, 'async', JSON.stringify(rec));
    assert.ok(rec.model === 'hybrid' && rec.processes >= 2 && rec.processes <= 8, JSON.stringify(rec));
    assert.ok(rec.predictedWallMs < 8_000, `${rec.predictedWallMs} ms`);
  });

  test('Node waits are not blocking: an event loop with a small pool for the CPU, or a loop per process; not processes x worker threads', () => {
    const advice = adviceFor({ tasks: 5000, cpuMsPerTask: 10, waitMsPerTask: 100, runtime: 'node', cores: 8 });
    const rec = advice.recommendation;
    const loopInside = rec.model === 'async' || (rec.model === 'hybrid' && rec.inner === 'async');
    assert.ok(loopInside, JSON.stringify(rec));
    if (rec.model === 'async' && rec.inner === 'threads') {
      // The pool holds a thread per core for the CPU; the loop holds the waits.
      assert.ok(rec.tasksInFlight <= 100);
    }
    // 50 s of CPU on 8 cores is 6.25 s: the plan comes close.
    assert.ok(rec.predictedWallMs < 8_000, `${rec.predictedWallMs} ms`);
  });
});
