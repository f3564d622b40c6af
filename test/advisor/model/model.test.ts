import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { costsFor } from '../../../src/advisor/costs/index.js';
import { predict } from '../../../src/advisor/model/estimate.js';
import type { Plan } from '../../../src/advisor/plan.js';
import { ProfileSchema, type ProfileInput } from '../../../src/advisor/profile.js';
import { goetzThreads, hybridChunkSize, processChunkSize } from '../../../src/advisor/model/sizing.js';
import { resolveWork } from '../../../src/advisor/work.js';

function work(input: Partial<ProfileInput>) {
  return resolveWork(ProfileSchema.parse({ tasks: 100, cpuMsPerTask: 10, waitMsPerTask: 0, cores: 4, ...input }), 4);
}
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

  test('async runs all CPU on the event loop', () => {
    const p = predict(work({ runtime: 'node', tasks: 100, cpuMsPerTask: 10, waitMsPerTask: 100 }), plan('async', 1, 100), costsFor('node'));
    assert.equal(p.bottleneck, 'event-loop');
    assert.ok(p.wallMs >= 1000);
  });
});

describe('sizing', () => {
  test('Goetz: threads grow with the wait/compute ratio', () => {
    assert.equal(goetzThreads(work({ cpuMsPerTask: 10, waitMsPerTask: 90, runtime: 'node' }), 4), 40);
    // Under a GIL one process computes on about one core, whatever the machine.
    assert.equal(goetzThreads(work({ cpuMsPerTask: 10, waitMsPerTask: 90 }), 4), 10);
    assert.equal(goetzThreads(work({ cpuMsPerTask: 10, waitMsPerTask: 90, gilReleasedShare: 0.5 }), 4), 20);
  });

  test('a chunk holds about 50 ms of work, at least 4 chunks per process, shared out evenly', () => {
    assert.equal(processChunkSize(100_000, 2, 0.005), 10_000);
    assert.equal(processChunkSize(100, 2, 0.005), 12);
    // Chunks that share out evenly: 16 of 2 rather than 10 of 3 and a 2.
    assert.equal(processChunkSize(32, 2, 20), 2);
    // No more than 1 MiB of payload per message.
    const size = processChunkSize(1000, 2, 1, 300_000);
    assert.ok(size >= 1 && size * 300_000 <= 1 << 20, `chunk ${size}`);
    assert.equal(processChunkSize(1000, 4, 100), 1);
  });

  test('a hybrid chunk never holds fewer tasks than the threads of a process', () => {
    assert.equal(hybridChunkSize(1000, 2, 8), 125);
    assert.equal(hybridChunkSize(40, 2, 32), 20);
    assert.ok(hybridChunkSize(100, 4, 8) >= 8);
  });
});

describe('resolving a profile', () => {
  test('a measured run is split into CPU and wait per task', () => {
    const w = work({ cpuMsPerTask: undefined, waitMsPerTask: undefined, measurement: { wallMs: 5000, cpuMs: 1000, tasks: 50 } });
    assert.equal(w.cpuMs, 20);
    assert.equal(w.waitMs, 80);
    assert.equal(w.basis, 'measured');
  });

  test('a measured run with more CPU than wall says the run was not sequential', () => {
    const w = work({ cpuMsPerTask: undefined, waitMsPerTask: undefined, measurement: { wallMs: 1000, cpuMs: 3000 } });
    assert.equal(w.waitMs, 0);
    assert.ok(w.assumptions.some((a) => a.includes('exceeds wall time')));
  });

  test('explicit fields beat a workload\'s typical ones', () => {
    const w = work({ cpuMsPerTask: undefined, waitMsPerTask: undefined, workload: 'hashing', gilReleasedShare: 0.5 });
    assert.equal(w.gilReleasedShare, 0.5);
    assert.equal(w.payloadBytes, 4_000_000);
  });
});
