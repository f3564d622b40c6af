import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { costsFor } from '../../src/advisor/costs/index.js';
import { predict } from '../../src/advisor/model/estimate.js';
import { dispatcherChunkFloor, processChunkSize, workerHeaps } from '../../src/advisor/model/sizing.js';
import { ProfileSchema, type ProfileInput } from '../../src/advisor/profile.js';
import { resolveWork } from '../../src/advisor/work.js';
import { adviceFor } from '../helpers/advice.js';
import type { Advice } from '../../src/advisor/advice.js';

const viable = (advice: Advice) => advice.estimates.filter((e) => e.viable);

describe('needsIsolation: a crash loses one task', () => {
  test('only processes that hold one task at a time are viable, on every runtime', () => {
    for (const runtime of ['cpython', 'pypy', 'cpython-free-threaded', 'node'] as const) {
      const advice = adviceFor({ runtime, tasks: 64, cpuMsPerTask: 100, waitMsPerTask: 10, cores: 8, needsIsolation: true });
      const ok = viable(advice);
      assert.deepEqual(ok.map((e) => e.model), ['processes'], `${runtime}: ${ok.map((e) => `${e.model} ${e.inner ?? ''}`).join(', ')}`);
      assert.equal(ok[0]!.chunkSize, 1, 'one task per message: a crash loses the one task the process holds');
      assert.equal(ok[0]!.threadsPerProcess, 1);
      assert.deepEqual(advice.recommendation.model, 'processes');
    }
  });

  test("Node's hybrid of 1 process x 8 threads is not isolation, nor an event loop per process", () => {
    const advice = adviceFor({ runtime: 'node', tasks: 64, cpuMsPerTask: 100, waitMsPerTask: 10, cores: 8, needsIsolation: true });
    for (const hybrid of advice.estimates.filter((e) => e.model === 'hybrid')) {
      assert.equal(hybrid.viable, false, `${hybrid.inner} hybrid`);
      assert.match(hybrid.reason ?? '', /needsIsolation/);
    }
  });

  test('tiny tasks pay for isolation with a message each, and the estimate shows it', () => {
    const advice = adviceFor({ tasks: 100_000, cpuMsPerTask: 0.005, waitMsPerTask: 0, cores: 2, needsIsolation: true });
    assert.equal(advice.recommendation.model, 'processes');
    assert.equal(advice.recommendation.chunkSize, 1);
    assert.equal(advice.estimates.find((e) => e.model === 'processes')?.bottleneck, 'dispatcher');
  });
});

describe('blockingWaits: code that blocks in its waits cannot run on an event loop as it is', () => {
  const fetches = { tasks: 2_000, cpuMsPerTask: 2, waitMsPerTask: 100, cores: 2 };

  test('the event-loop plans are not viable, with the reason, and a thread or process plan is advised', () => {
    assert.ok(['async', 'hybrid'].includes(adviceFor(fetches).recommendation.model), 'the loops win when the code can await');
    const advice = adviceFor({ ...fetches, blockingWaits: true });
    assert.ok(['threads', 'processes', 'hybrid'].includes(advice.recommendation.model), advice.recommendation.model);
    assert.notEqual(advice.recommendation.inner, 'async');
    const loops = advice.estimates.filter((e) => e.model === 'async' || e.inner === 'async');
    assert.equal(loops.length, 3, 'async, async with a thread pool, and a loop per process');
    for (const e of loops) {
      assert.equal(e.viable, false);
      assert.match(e.reason ?? '', /^Not viable: blockingWaits: the tasks block while they wait/);
    }
  });

  test('work that never waits is weighed as before', () => {
    const cpu = { tasks: 64, cpuMsPerTask: 50, waitMsPerTask: 0, cores: 2 };
    assert.deepEqual(adviceFor({ ...cpu, blockingWaits: true }).estimates, adviceFor(cpu).estimates);
  });
});

describe('memory per worker bounds every worker with a heap of its own', () => {
  const limited = { tasks: 64, cpuMsPerTask: 100, waitMsPerTask: 10, cores: 8, memoryMbPerWorker: 300, memoryLimitMb: 1000 };

  test('Node worker threads are V8 isolates: no more of them than the memory holds', () => {
    const advice = adviceFor({ ...limited, runtime: 'node' });
    for (const e of viable(advice)) {
      const heaps = workerHeaps({ model: e.model, processes: e.processes, threadsPerProcess: e.threadsPerProcess, chunkSize: e.chunkSize, inner: e.inner }, { runtime: 'node', cores: 8 });
      assert.ok(heaps <= 3, `${e.model} ${e.inner ?? ''} ${e.processes}x${e.threadsPerProcess}: ${heaps} heaps of 300 MB in 1,000 MB`);
    }
    assert.ok(advice.recommendation.tasksInFlight <= 3 || advice.recommendation.inner === 'async', JSON.stringify(advice.recommendation));
  });

  test('CPython threads share one heap: memory limits its processes, not its threads', () => {
    const advice = adviceFor({ ...limited, waitMsPerTask: 400, runtime: 'cpython' });
    const threads = advice.estimates.find((e) => e.model === 'threads');
    assert.ok(threads?.viable && threads.threadsPerProcess > 3, JSON.stringify(threads));
    for (const e of viable(advice).filter((e) => e.model === 'processes' || e.model === 'hybrid')) assert.ok(e.processes <= 3);
  });

  test('the heaps a plan holds', () => {
    const node = { runtime: 'node' as const, cores: 8 };
    const cpython = { runtime: 'cpython' as const, cores: 8 };
    assert.equal(workerHeaps({ model: 'hybrid', processes: 2, threadsPerProcess: 8, chunkSize: 4, inner: 'threads' }, node), 16);
    assert.equal(workerHeaps({ model: 'hybrid', processes: 2, threadsPerProcess: 8, chunkSize: 4, inner: 'async' }, node), 2);
    assert.equal(workerHeaps({ model: 'hybrid', processes: 2, threadsPerProcess: 8, chunkSize: 4, inner: 'threads' }, cpython), 2);
    assert.equal(workerHeaps({ model: 'threads', processes: 1, threadsPerProcess: 12, chunkSize: 1, inner: 'threads' }, node), 12);
    assert.equal(workerHeaps({ model: 'threads', processes: 1, threadsPerProcess: 12, chunkSize: 1, inner: 'threads' }, cpython), 1);
    assert.equal(workerHeaps({ model: 'async', processes: 1, threadsPerProcess: 100, chunkSize: 1, inner: 'threads' }, node), 8);
  });
});

describe('a hybrid is two processes or more, each holding two tasks or more', () => {
  const hybrids = (advice: Advice) => advice.estimates.filter((e) => e.model === 'hybrid');

  test('no hybrid of one process is weighed: "1 process x 16 threads" is threads in a child process', () => {
    // 10,000 calls of 1 ms on 2 cores once showed "hybrid 1 process x 16 threads".
    for (const runtime of ['cpython', 'node'] as const) {
      const advice = adviceFor({ runtime, tasks: 10_000, cpuMsPerTask: 0.05, waitMsPerTask: 1, cores: 2 });
      for (const row of hybrids(advice)) assert.ok(row.processes >= 2 && row.threadsPerProcess >= 2, `${runtime} ${row.inner}: ${row.processes} x ${row.threadsPerProcess}`);
    }
  });

  test('on one core, or for one task, the hybrid rows are there and say why they do not fit', () => {
    const oneCore = adviceFor({ tasks: 100, cpuMsPerTask: 10, waitMsPerTask: 50, cores: 1 });
    assert.equal(hybrids(oneCore).length, 2);
    for (const row of hybrids(oneCore)) {
      assert.equal(row.viable, false);
      assert.match(row.reason ?? '', /more than the 1 core: they would take turns on it/);
    }
    const oneTask = adviceFor({ tasks: 1, cpuMsPerTask: 10, waitMsPerTask: 50, cores: 8 });
    for (const row of hybrids(oneTask)) assert.match(row.reason ?? '', /Not viable: a hybrid runs 2 processes at the least, and there is only the one task/);
  });

  test('a process holds no more threads or tasks in flight than the tasks it gets', () => {
    // 50 blocking calls of 300 ms: "2 processes x 50 threads, chunk 25" left 25 threads of each process idle.
    const advice = adviceFor({ tasks: 50, cpuMsPerTask: 1, waitMsPerTask: 300, cores: 4, blockingWaits: true });
    for (const row of hybrids(advice)) {
      assert.ok(row.threadsPerProcess <= Math.ceil(50 / row.processes), `${row.inner}: ${row.processes} x ${row.threadsPerProcess}`);
      assert.ok(row.chunkSize >= row.threadsPerProcess, `chunk ${row.chunkSize}`);
    }
  });

  test('under maxConcurrency 5, the hybrid weighed is one that fits (2 x 2), not 5 processes of 2', () => {
    // Weighed up to 5 processes, the fastest sizing was 5 x 2: 10 in flight, over the limit, and not viable.
    const advice = adviceFor({ tasks: 2000, cpuMsPerTask: 20, waitMsPerTask: 500, cores: 32, maxConcurrency: 5 });
    for (const row of hybrids(advice)) {
      assert.equal(row.viable, true, row.reason);
      assert.deepEqual([row.processes, row.threadsPerProcess], [2, 2]);
    }
    const tight = adviceFor({ tasks: 2000, cpuMsPerTask: 20, waitMsPerTask: 500, cores: 32, maxConcurrency: 3 });
    for (const row of hybrids(tight)) assert.match(row.reason ?? '', /Not viable: maxConcurrency 3 leaves no room for two/);
  });
});

describe('the chunk keeps a saturated dispatcher fed', () => {
  test('the floor: processes x round trip over the work a chunk gives, with the dispatcher half idle', () => {
    // 615 processes, 0.5 ms tasks, 0.077 ms a message, 0.00029 ms a task packed: 615 x 0.077 / (0.25 - 0.178).
    assert.equal(dispatcherChunkFloor(615, 0.5, 0.077, 0.00029), Math.ceil((615 * 0.077) / (0.25 - 615 * 0.00029)));
    assert.equal(dispatcherChunkFloor(2, 0.5, 0.077, 0.00029), 1);
    assert.equal(dispatcherChunkFloor(4096, 0.5, 0.077, 0.00029), Number.POSITIVE_INFINITY);
    // On 2 cores the 50 ms rule is what binds, as the harness measures it.
    assert.equal(processChunkSize(2000, 2, 0.5, 0, { messageMs: 0.077, itemMs: 0.00029 }), processChunkSize(2000, 2, 0.5));
    assert.ok(processChunkSize(1e9, 615, 0.5, 0, { messageMs: 0.077, itemMs: 0.00029 }) >= 600);
  });

  test('1e9 tasks of 0.5 ms on 1,024 cores: close to 8 minutes of work per core, not an hour behind the dispatcher', () => {
    const advice = adviceFor({ tasks: 1e9, cpuMsPerTask: 0.5, waitMsPerTask: 0, cores: 1024 });
    const rec = advice.recommendation;
    const ideal = (1e9 * 0.5) / 1024;
    assert.ok(rec.predictedWallMs < 1.25 * ideal, `${rec.model} ${rec.processes}x${rec.threadsPerProcess} chunks of ${rec.chunkSize}: ${rec.predictedWallMs} ms`);
    assert.ok(rec.chunkSize >= 1000, `chunks of ${rec.chunkSize}`);
    const chosen = advice.estimates.find((e) => e.model === rec.model && e.inner === rec.inner)!;
    assert.notEqual(chosen.bottleneck, 'dispatcher');
    // The old rule's plan, 615 processes in chunks of 24, for comparison: the dispatcher is its limit.
    const work = resolveWork(ProfileSchema.parse({ tasks: 1e9, cpuMsPerTask: 0.5, waitMsPerTask: 0, cores: 1024 } satisfies ProfileInput), 1024);
    const old = predict(work, { model: 'processes', processes: 615, threadsPerProcess: 1, chunkSize: 24 }, costsFor('cpython'));
    assert.equal(old.bottleneck, 'dispatcher');
    assert.ok(old.wallMs > 3 * rec.predictedWallMs);
  });
});

describe('when nothing is viable', () => {
  test('the fastest plan is still sized, marked not viable, and the warnings say no model satisfies the constraints', () => {
    const advice = adviceFor({ tasks: 10, cpuMsPerTask: 100, waitMsPerTask: 0, cores: 2, needsIsolation: true, memoryMbPerWorker: 500, memoryLimitMb: 100 });
    assert.equal(viable(advice).length, 0);
    const rec = advice.recommendation;
    const same = advice.estimates.find((e) => e.model === rec.model && e.inner === rec.inner)!;
    assert.equal(same.viable, false);
    assert.ok(advice.warnings.some((w) => w.startsWith('No model satisfies every constraint')), advice.warnings.join(' | '));
    // The rationale shows the plan, and does not present it as a recommendation that holds.
    assert.ok(advice.rationale.some((s) => s.startsWith('No model satisfies every constraint')), advice.rationale.join(' | '));
    assert.ok(!advice.rationale.some((s) => /is recommended|numbers favour/.test(s)), advice.rationale.join(' | '));
  });
});
