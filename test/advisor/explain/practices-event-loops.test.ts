import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classify } from '../../../src/advisor/classify.js';
import { costsFor } from '../../../src/advisor/costs/index.js';
import { practicesFor } from '../../../src/advisor/explain/practices.js';
import { predict } from '../../../src/advisor/model/estimate.js';
import type { Plan } from '../../../src/advisor/plan.js';
import { ProfileSchema, type ProfileInput } from '../../../src/advisor/profile.js';
import { estimateAll } from '../../../src/advisor/recommend.js';
import { resolveWork } from '../../../src/advisor/work.js';

type InnerPlan = Plan & { inner?: 'threads' | 'async' };

/** The practices for a plan built directly: the shapes the model weighs for every runtime. */
function practices(input: ProfileInput, plan: InnerPlan) {
  const work = resolveWork(ProfileSchema.parse(input), 8);
  const costs = costsFor(work.runtime);
  const prediction = predict(work, plan, costs);
  return practicesFor({ work, costs, kind: classify(work).kind, plan, prediction, sequentialMs: work.tasks * (work.cpuMs + work.waitMs), estimates: estimateAll(work, costs) });
}
const ids = (list: Array<{ id: string }>) => list.map((p) => p.id);
const IO = { tasks: 2000, cpuMsPerTask: 5, waitMsPerTask: 300, cores: 8 } as const;
const asyncPlan: InnerPlan = { model: 'async', inner: 'async', processes: 1, threadsPerProcess: 100, chunkSize: 1 };
const hybridAsync: InnerPlan = { model: 'hybrid', inner: 'async', processes: 4, threadsPerProcess: 25, chunkSize: 100 };

describe('practices for event loops', () => {
  test('Python on an event loop: async clients sized to the plan, blocking calls through to_thread, asyncio.timeout', () => {
    for (const plan of [asyncPlan, hybridAsync]) {
      const list = practices(IO, plan);
      const loop = list.find((p) => p.id === 'asyncio-end-to-end');
      assert.ok(loop, `${plan.model}/${plan.inner}`);
      assert.match(loop.detail, new RegExp(`plan's ${plan.threadsPerProcess} in flight per loop`));
      assert.match(loop.detail, /asyncio\.to_thread/);
      assert.match(list.find((p) => p.id === 'timeouts-and-cancellation')!.detail, /asyncio\.timeout/);
      // No thread locks or "use an event loop" advice for a plan that already is one.
      assert.ok(!ids(list).includes('asyncio-for-high-fan-out'));
    }
  });

  test('threads get no asyncio practice below a few dozen, and the fan-out note above 32', () => {
    const few = practices(IO, { model: 'threads', inner: 'threads', processes: 1, threadsPerProcess: 20, chunkSize: 1 });
    assert.ok(!ids(few).includes('asyncio-end-to-end') && !ids(few).includes('asyncio-for-high-fan-out'));
    const many = practices(IO, { model: 'threads', inner: 'threads', processes: 1, threadsPerProcess: 200, chunkSize: 1 });
    assert.match(many.find((p) => p.id === 'asyncio-for-high-fan-out')!.detail, /fine to a few dozen and costly at hundreds/);
  });

  test("Node with many waits in flight: size libuv's pool for fs, dns, zlib and crypto", () => {
    const node = practices({ ...IO, runtime: 'node' }, asyncPlan);
    assert.match(node.find((p) => p.id === 'libuv-threadpool')!.detail, /UV_THREADPOOL_SIZE/);
    assert.ok(!ids(practices({ ...IO, runtime: 'node', waitMsPerTask: 0 }, asyncPlan)).includes('libuv-threadpool'));
    assert.ok(!ids(practices(IO, asyncPlan)).includes('libuv-threadpool'), 'not for Python');
    // One pool per process: worker threads share it, an event loop that hands its CPU to threads too; a process of one task does not fill it.
    const threads = practices({ ...IO, runtime: 'node' }, { model: 'threads', inner: 'threads', processes: 1, threadsPerProcess: 16, chunkSize: 1 });
    assert.match(threads.find((p) => p.id === 'libuv-threadpool')!.detail, /one pool per process that its worker threads share.* with 16 tasks in flight, such calls/);
    const offload = practices({ ...IO, runtime: 'node' }, { ...asyncPlan, inner: 'threads', threadsPerProcess: 34 });
    assert.match(offload.find((p) => p.id === 'libuv-threadpool')!.detail, /with 34 tasks in flight, such calls beyond 4/);
    const hybrid = practices({ ...IO, runtime: 'node' }, hybridAsync);
    assert.match(hybrid.find((p) => p.id === 'libuv-threadpool')!.detail, /with 25 tasks in flight in each process/);
    const processes = practices({ ...IO, runtime: 'node' }, { model: 'processes', processes: 8, threadsPerProcess: 1, chunkSize: 10 });
    assert.ok(!ids(processes).includes('libuv-threadpool'));
  });
});
