import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { costsFor } from '../../../src/advisor/costs/index.js';
import { predict } from '../../../src/advisor/model/estimate.js';
import type { Plan } from '../../../src/advisor/plan.js';
import { workFor as work } from '../../helpers/advice.js';

const plan = (model: Plan['model'], processes: number, threadsPerProcess: number, chunkSize = 1): Plan => ({
  model,
  processes,
  threadsPerProcess,
  chunkSize,
});

describe('predict', () => {
  test('sequential is tasks x (cpu + wait), with no start-up', () => {
    const p = predict(work({ cpuMsPerTask: 10, waitMsPerTask: 5 }), plan('sequential', 1, 1), costsFor('cpython'));
    assert.equal(p.wallMs, 1500);
    assert.equal(p.startupMs, 0);
  });

  test('under the GIL, threads run pure-Python CPU no faster than one thread', () => {
    const w = work({ tasks: 64, cpuMsPerTask: 50 });
    const costs = costsFor('cpython');
    const threaded = predict(w, plan('threads', 1, 4), costs);
    assert.equal(threaded.bottleneck, 'gil');
    assert.ok(threaded.wallMs >= 64 * 50);
    const freeThreaded = predict({ ...w, runtime: 'cpython-free-threaded' }, plan('threads', 1, 4), costsFor('cpython-free-threaded'));
    assert.ok(freeThreaded.wallMs < 64 * 50 / 3.5, `free-threaded ${freeThreaded.wallMs}`);
  });

  test('one thread per process never waits for the GIL: the limit on tasks in flight is named', () => {
    const costs = costsFor('cpython');
    // Pure-Python CPU holds the GIL the whole task, yet a lone thread has no one to wait for.
    const capped = predict(work({ tasks: 100, cpuMsPerTask: 50, maxConcurrency: 1 }), plan('threads', 1, 4), costs);
    assert.equal(capped.bottleneck, 'concurrency-limit');
    assert.equal(predict(work({ tasks: 100, cpuMsPerTask: 50, maxConcurrency: 2 }), plan('threads', 1, 4), costs).bottleneck, 'gil');
  });

  test('workers whose tasks each run native threads compute side by side while the cores last', () => {
    // 20 processes of tasks on 4 BLAS threads (all native code) use 80 of 128 cores: 20 tasks of 1 s at once, 10 rounds. The
    // parallel station once had a server per core a worker held, divided by the native threads: 5 at once.
    const w = work({ tasks: 200, cpuMsPerTask: 4000, gilReleasedShare: 1, threadsPerTask: 4, cores: 128, maxConcurrency: 20 });
    const p = predict(w, { ...plan('processes', 20, 1), chunkSize: 1 }, costsFor('cpython'));
    assert.ok(p.wallMs - p.startupMs < 10_000 * 1.05, `${p.wallMs - p.startupMs} ms, where 10 rounds of 1 s take 10 s`);
    assert.ok(p.wallMs - p.startupMs >= 10_000, `${p.wallMs - p.startupMs} ms`);
    // Under the GIL only native code spreads over a task's threads: pure Python takes its 4 s on one, 10 rounds 40 s.
    const python = predict({ ...w, gilReleasedShare: 0 }, { ...plan('processes', 20, 1), chunkSize: 1 }, costsFor('cpython'));
    assert.ok(python.wallMs - python.startupMs >= 40_000, `${python.wallMs - python.startupMs} ms`);
    // On 8 cores the same tasks share them: 2 at a time on their 4 threads, whatever the workers.
    const few = work({ tasks: 200, cpuMsPerTask: 4000, threadsPerTask: 4, cores: 8 });
    const eight = predict(few, plan('processes', 8, 1), costsFor('cpython'));
    assert.ok(eight.wallMs - eight.startupMs >= (200 * 4000) / 8, `${eight.wallMs} ms on 8 cores`);
  });

  test('the released share of the GIL runs in parallel across threads', () => {
    const costs = costsFor('cpython');
    const held = predict(work({ tasks: 64, cpuMsPerTask: 50, gilReleasedShare: 0 }), plan('threads', 1, 4), costs).wallMs;
    const released = predict(work({ tasks: 64, cpuMsPerTask: 50, gilReleasedShare: 0.9 }), plan('threads', 1, 4), costs).wallMs;
    assert.ok(released < held / 3, `${released} vs ${held}`);
  });

  test('waits overlap up to the workers, never beyond maxConcurrency', () => {
    const costs = costsFor('cpython');
    const free = predict(work({ tasks: 100, cpuMsPerTask: 0, waitMsPerTask: 100 }), plan('threads', 1, 50), costs);
    assert.ok(Math.abs(free.wallMs - 200) < 20, `${free.wallMs}`);
    const capped = predict(work({ tasks: 100, cpuMsPerTask: 0, waitMsPerTask: 100, maxConcurrency: 10 }), plan('threads', 1, 50), costs);
    assert.ok(capped.wallMs >= 1000);
  });

  test('CPU work runs at most cores at once', () => {
    const p = predict(work({ tasks: 64, cpuMsPerTask: 100, cores: 4 }), plan('processes', 8, 1, 4), costsFor('cpython'));
    assert.ok(p.wallMs >= (64 * 100) / 4);
  });

  test('payload serialisation is charged across processes, not threads', () => {
    const costs = costsFor('cpython');
    const light = predict(work({ tasks: 32, cpuMsPerTask: 20 }), plan('processes', 4, 1, 2), costs);
    const heavy = predict(work({ tasks: 32, cpuMsPerTask: 20, payloadBytesPerTask: 8_000_000 }), plan('processes', 4, 1, 2), costs);
    assert.ok(heavy.wallMs > light.wallMs);
    // The dispatcher serialises every task's 8 MB, one task after another.
    assert.equal(heavy.bottleneck, 'dispatcher');
    assert.ok(heavy.wallMs >= 32 * 8 * costs.serializeMsPerMB);
    const threads = predict(work({ tasks: 32, cpuMsPerTask: 20, payloadBytesPerTask: 8_000_000 }), plan('threads', 1, 4), costs);
    assert.equal(threads.payloadMsPerTask, 0);
  });

  test('start-up grows with the pool', () => {
    const costs = costsFor('cpython');
    const w = work({});
    assert.ok(predict(w, plan('processes', 4, 1), costs).startupMs > predict(w, plan('processes', 2, 1), costs).startupMs);
    // Thread pools start threads lazily, on the dispatching thread, while earlier tasks already run.
    const threads = predict(work({ tasks: 8, cpuMsPerTask: 0, waitMsPerTask: 100 }), plan('threads', 1, 8), costs);
    assert.equal(threads.startupMs, 0);
    assert.ok(threads.wallMs >= 100 + 8 * costs.threadStartMs);
  });

  test('a thread pool pays its staggered starts in its tasks: 200 sleeps of 20 ms on 100 threads, as measured', () => {
    const costs = costsFor('cpython');
    // bench/python/results.json, sleep-200x20ms (2026-12-01): threads 100 68.5 ms, asyncio with 100 in flight 47.4 ms.
    const w = work({ tasks: 200, cpuMsPerTask: 0.0913, waitMsPerTask: 20.13, cores: 2 });
    const threads = predict(w, plan('threads', 1, 100), costs);
    const rounds = 2 * 20.13;
    assert.ok(threads.wallMs >= rounds + (100 * costs.threadStartMs) / 2, `threads ${threads.wallMs}`);
    const loop = predict(w, { ...plan('async', 1, 100), inner: 'async' }, costs);
    assert.ok(loop.wallMs < threads.wallMs, `async ${loop.wallMs} vs threads ${threads.wallMs}`);
  });

  test('async runs all CPU on the event loop', () => {
    const p = predict(work({ runtime: 'node', tasks: 100, cpuMsPerTask: 10, waitMsPerTask: 100 }), plan('async', 1, 100), costsFor('node'));
    assert.equal(p.bottleneck, 'event-loop');
    assert.ok(p.wallMs >= 1000);
  });
});
