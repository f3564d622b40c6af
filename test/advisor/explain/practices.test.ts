import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classify } from '../../../src/advisor/classify.js';
import { costsFor } from '../../../src/advisor/costs/index.js';
import { practicesFor } from '../../../src/advisor/explain/practices.js';
import { predict } from '../../../src/advisor/model/estimate.js';
import type { ExecutionModel, InnerModel, Plan } from '../../../src/advisor/plan.js';
import type { ProfileInput } from '../../../src/advisor/profile.js';
import { estimateAll, sequentialWallMs } from '../../../src/advisor/recommend.js';
import { adviceFor, workFor } from '../../helpers/advice.js';

const PLANS: Record<ExecutionModel, Plan> = {
  sequential: { model: 'sequential', processes: 1, threadsPerProcess: 1, chunkSize: 1 },
  threads: { model: 'threads', processes: 1, threadsPerProcess: 8, chunkSize: 1 },
  async: { model: 'async', processes: 1, threadsPerProcess: 8, chunkSize: 1 },
  processes: { model: 'processes', processes: 4, threadsPerProcess: 1, chunkSize: 5 },
  hybrid: { model: 'hybrid', processes: 2, threadsPerProcess: 4, chunkSize: 5 },
};

/** The practices for a profile run on one model's plan (with another inner model, if given), by id. */
function practices(model: ExecutionModel, input: Partial<ProfileInput> = {}, inner?: InnerModel) {
  const work = workFor(input);
  const costs = costsFor(work.runtime);
  const plan = inner ? { ...PLANS[model], inner } : PLANS[model];
  const found = practicesFor({
    work,
    costs,
    kind: classify(work).kind,
    plan,
    prediction: predict(work, plan, costs),
    sequentialMs: sequentialWallMs(work, costs),
    estimates: estimateAll(work, costs),
  });
  return new Map(found.map((practice) => [practice.id, practice]));
}

describe('practices', () => {
  test('each has an id, a title and a detail, and the baseline comes first with both predictions', () => {
    const found = practices('threads', { cpuMsPerTask: 10, waitMsPerTask: 90 });
    const [first] = found.values();
    assert.equal(first?.id, 'measure-baseline-first');
    // A profile that is a measured run is not asked to measure one: it is asked to time the plan.
    const measured = practices('threads', { cpuMsPerTask: undefined, waitMsPerTask: undefined, measurement: { wallMs: 10_000, cpuMs: 1_000 } });
    assert.ok(!measured.has('measure-baseline-first'));
    assert.match(measured.get('time-the-plan')?.detail ?? '', /^The per-task figures come from a measured run: time the batch again on this plan, which the model predicts at /);
    assert.match(first!.detail, /predicts 10 s sequentially and 1.49 s with this plan/);
    for (const practice of found.values()) {
      assert.ok(practice.title.length > 0 && practice.detail.length > 0, practice.id);
    }
  });

  test('locks only where threads share state; lock ordering only where they write it', () => {
    assert.ok(!practices('threads').has('minimal-lock-scope'));
    assert.ok(practices('threads', { sharedState: 'read-only' }).has('minimal-lock-scope'));
    assert.ok(!practices('threads', { sharedState: 'read-only' }).has('lock-ordering'));
    assert.ok(practices('hybrid', { sharedState: 'read-write' }).has('lock-ordering'));
    assert.ok(!practices('processes', { sharedState: 'read-write' }).has('minimal-lock-scope'));
  });

  test('shared read-write state: processes hear of the server process, threads of returning results', () => {
    assert.match(practices('processes', { sharedState: 'read-write' }).get('prefer-results-to-shared-state')!.detail, /multiprocessing\.Manager/);
    assert.match(practices('threads', { sharedState: 'read-write' }).get('prefer-results-to-shared-state')!.detail, /queue\.Queue/);
  });

  test('chunks, queues and start methods only where tasks cross to processes', () => {
    for (const model of ['sequential', 'threads'] as const) {
      const found = practices(model);
      for (const id of ['chunk-small-tasks', 'queues-for-ipc', 'start-method']) assert.ok(!found.has(id), `${model}: ${id}`);
    }
    const processes = practices('processes');
    assert.match(processes.get('chunk-small-tasks')!.detail, /chunksize=5\)/);
    // Node has no executor.map: the reply names what its snippet does.
    assert.match(practices('processes', { runtime: 'node' }).get('chunk-small-tasks')!.detail, /\(the snippet sends each child a range of 5 tasks a message\)\.$/);
    assert.ok(processes.has('queues-for-ipc') && processes.has('start-method'));
    // Globals are shared copy-on-write after a fork, which the read-only practice relies on: only writes stay private.
    assert.match(processes.get('queues-for-ipc')!.detail, /shared read-only after a fork, private once written/);
    assert.ok(!practices('processes', { runtime: 'node' }).has('start-method'), 'start methods are Python');
    // PyPy 7.3.11's ProcessPoolExecutor fails at the first submit with forkserver or spawn, and has no gc.freeze().
    assert.match(processes.get('start-method')!.detail, /get_context\('forkserver'\)/);
    const pypy = practices('processes', { runtime: 'pypy', sharedState: 'read-only' });
    assert.doesNotMatch(pypy.get('start-method')!.detail, /get_context|3\.14/);
    assert.match(pypy.get('start-method')!.detail, /fork only/);
    assert.doesNotMatch(pypy.get('copy-on-write-read-only-state')!.detail, /call gc\.freeze/);
  });

  test('connection pools are sized to the tasks in flight, one pool per process', () => {
    const db: Partial<ProfileInput> = { cpuMsPerTask: 1, waitMsPerTask: 10, maxConcurrency: 20 };
    assert.match(practices('threads', db).get('bounded-downstream-concurrency')!.detail, /Size the connection pool to the 8 in flight\./);
    assert.match(practices('hybrid', db).get('bounded-downstream-concurrency')!.detail, /Size each process's connection pool to its 4 \(8 in all\): processes share no pool\./);
    assert.match(practices('processes', db).get('bounded-downstream-concurrency')!.detail, /each process's connection pool to its 1 \(4 in all\)/);
  });

  test('a large payload is passed by reference, in the words of the runtime', () => {
    assert.ok(!practices('processes', { payloadBytesPerTask: 999_999 }).has('large-payloads-by-reference'));
    assert.match(practices('processes', { payloadBytesPerTask: 1_000_000 }).get('large-payloads-by-reference')!.detail, /shared_memory/);
    assert.match(practices('processes', { payloadBytesPerTask: 1_000_000 }).get('large-payloads-by-reference')!.detail, /unpickled, \d+(\.\d+)? ms a task here/);
    assert.match(practices('processes', { runtime: 'node', payloadBytesPerTask: 1_000_000 }).get('large-payloads-by-reference')!.detail, /child process through its pipe.*file path/);
    assert.match(practices('threads', { runtime: 'node', payloadBytesPerTask: 1_000_000 }).get('large-payloads-by-reference')!.detail, /structured-cloned to a worker thread, [\d.]+ ms a task here as bytes in a Buffer \(1\.1 ms per MiB\); a parsed object of records clones at 17-33 ms per MiB.*transfer list.*pass a file path/);
    // Python threads and event loops hand each task a reference: there is nothing to copy.
    assert.ok(!practices('threads', { payloadBytesPerTask: 1_000_000 }).has('large-payloads-by-reference'));
    assert.ok(!practices('async', { runtime: 'node', payloadBytesPerTask: 1_000_000 }).has('large-payloads-by-reference'));
  });

  test('practices follow the plan they are read with', () => {
    // A Python loop that hands its CPU to threads awaits its waits like any loop: asyncio's practices, not a pool's.
    const offload = practices('async', { cpuMsPerTask: 4, waitMsPerTask: 500, gilReleasedShare: 0.9, cores: 8 }, 'threads');
    assert.ok(offload.has('asyncio-end-to-end'));
    assert.match(offload.get('timeouts-and-cancellation')!.detail, /asyncio\.timeout\(seconds\)/);
    assert.doesNotMatch(offload.get('timeouts-and-cancellation')!.detail, /executor\.shutdown/);
    // executor.map's chunksize runs a chunk's tasks one after another: a hybrid spreads its chunk instead.
    assert.match(practices('hybrid', { tasks: 2_000, cpuMsPerTask: 0.5, waitMsPerTask: 300 }, 'async').get('chunk-small-tasks')!.detail, /run_chunk, which spreads it over the process's event loop\)\.$/);
    assert.match(practices('processes', { tasks: 2_000, cpuMsPerTask: 0.5 }).get('chunk-small-tasks')!.detail, /executor\.map\(fn, items, chunksize=/);
    // Node's libuv pool: a size to set, which the estimates assume.
    assert.match(practices('async', { runtime: 'node', tasks: 2_000, cpuMsPerTask: 0.3, waitMsPerTask: 3 }).get('libuv-threadpool')!.detail, /set UV_THREADPOOL_SIZE=8 \(at most 1,024\).*the estimates assume it/);
  });

  test('under a rate limit, the concurrency practice does not blame the limit on tasks in flight', () => {
    const advice = adviceFor({ tasks: 10_000, cpuMsPerTask: 2, waitMsPerTask: 150, cores: 4, maxConcurrency: 1_000, maxRatePerSecond: 50 });
    assert.match(advice.practices.find((p) => p.id === 'bounded-downstream-concurrency')!.detail, /so the plan keeps 10 in flight; its rate limit, not this one, sets the pace\./);
  });

  test("a payload's copy is priced by the advice without it", () => {
    // 2,000 tasks of 20 ms with 8 MB each: the dispatcher's pickling holds the pool to 2 processes (27.7 s);
    // passed by reference, 8 processes take about 5 s.
    const advice = adviceFor({ tasks: 2_000, cpuMsPerTask: 20, payloadBytesPerTask: 8_000_000, cores: 8 });
    const detail = advice.practices.find((p) => p.id === 'large-payloads-by-reference')?.detail ?? '';
    // The warning compares the copy with the task it rides with.
    const huge = adviceFor({ tasks: 1_000, cpuMsPerTask: 100, payloadBytesPerTask: 50_000_000, cores: 8 });
    assert.ok(huge.warnings.some((w) => /^Serialising 50 MB per task and reading it back in the worker costs [\d.]+ ms, more than the task's own 100 ms:/.test(w)), huge.warnings.join(' | '));
    assert.match(detail, /Without the copy \(the data passed by reference, or read where it is used\), the best plan is Processes \(8 processes\) at 5(\.\d+)? s, against 27\.7 s with it\.$/);
    // Where the copy costs the plan little, nothing is said of it.
    const cheap = adviceFor({ tasks: 200, cpuMsPerTask: 500, payloadBytesPerTask: 1_000_000, cores: 8 });
    const cheapDetail = cheap.practices.find((p) => p.id === 'large-payloads-by-reference')?.detail;
    assert.ok(cheapDetail, cheap.recommendation.model);
    assert.doesNotMatch(cheapDetail, /Without the copy/);
  });

  test('native threads are capped to the cores each worker gets', () => {
    const found = practices('processes', { threadsPerTask: 4, cores: 8 });
    assert.match(found.get('cap-native-threads')!.detail, /4 workers would start 32 threads on 8 cores.* to 2 in each worker/);
    // A named workload that calls no BLAS hears of its own library's setting, or nothing: a database driver or
    // zlib starts no thread pool, and OMP_NUM_THREADS does not cap an encoder.
    const named = (workload: ProfileInput['workload'], model: ExecutionModel) =>
      practices(model, { workload, cpuMsPerTask: undefined, waitMsPerTask: undefined, cores: 16 }).get('cap-native-threads')?.detail;
    assert.equal(named('database-queries', 'processes'), undefined);
    assert.equal(named('compression', 'processes'), undefined);
    assert.match(named('video-encoding', 'processes') ?? '', /^Each task runs 2 native threads, .* with the library's own setting \(.*ffmpeg's -threads/);
    assert.doesNotMatch(named('video-encoding', 'processes') ?? '', /OMP_NUM_THREADS/);
    assert.match(named('data-analysis', 'processes') ?? '', /^If the tasks call NumPy\/BLAS or OpenMP code, .*OMP_NUM_THREADS/);
  });

  test('runtime-specific advice reaches only its runtime', () => {
    assert.ok(practices('async', { runtime: 'node' }).has('keep-event-loop-free'));
    assert.ok(!practices('threads').has('keep-event-loop-free'));
    const gilCheck = practices('threads', { runtime: 'cpython-free-threaded' }).get('free-threaded-gil-check');
    // PYTHON_GIL=0 refuses nothing: it keeps the GIL off even for an extension that is not thread-safe.
    assert.match(gilCheck?.detail ?? '', /PYTHON_GIL=0 \(or -X gil=0\) keeps the GIL off anyway, at the risk of that extension's thread safety/);
    assert.ok(!practices('threads').has('free-threaded-gil-check'));
    assert.ok(practices('threads', { gilReleasedShare: 0.5 }).has('gil-release-check'));
    assert.ok(!practices('threads', { runtime: 'node', gilReleasedShare: 0.5 }).has('gil-release-check'));
  });

  test("Node's event loop is kept free in the figures of the plan that runs tasks on it", () => {
    const io: Partial<ProfileInput> = { runtime: 'node', tasks: 1000, cpuMsPerTask: 2, waitMsPerTask: 150 };
    // 1,000 tasks of 2 ms of CPU hold one loop about 2 s, whatever runs beside them.
    assert.match(practices('async', io).get('keep-event-loop-free')!.detail, /each task's 2 ms of CPU runs on the event loop.* the loop is busy 2(\.\d+)? s of the /);
    assert.match(practices('hybrid', io, 'async').get('keep-event-loop-free')!.detail, /on its process's event loop.* each loop is busy 1(\.\d+)? s of the /);
    const offloaded = practices('async', io, 'threads').get('keep-event-loop-free')!.detail;
    assert.match(offloaded, /2 ms of CPU runs on a piscina thread, and the loop spends 0\.0\d+ ms handing it over/);
    assert.match(offloaded, /Only your own code's CPU moves .*: what the HTTP client or database driver spends decoding responses runs on the loop\./);
    assert.doesNotMatch(offloaded, /busy/);
    // Uploads whose CPU is the SDK's (TLS, signing) cannot move it: the reply gives the plan that needs no move.
    const advice = adviceFor({ runtime: 'node', tasks: 50_000, cpuMsPerTask: 2, waitMsPerTask: 120, cores: 8 });
    assert.equal(advice.recommendation.cpuThreads, 8, 'async+threads, its CPU on a thread per core');
    const uploads = advice.practices.find((p) => p.id === 'keep-event-loop-free')!.detail;
    assert.match(uploads, /If most of the 2 ms is theirs, it stays on the loop, and the batch takes 100 s as on the event loop alone; a hybrid of \d+ processes x \d+ in flight on an event loop moves none and takes 6\d(\.\d)? s\./);
    // Where the loop alone is about as fast, nothing is at stake and nothing is said.
    assert.doesNotMatch(offloaded, /If most of/);
    // Where the loop limits the plan, what moving the CPU off it gives, in the model's own figures.
    const busy: Partial<ProfileInput> = { runtime: 'node', tasks: 1000, cpuMsPerTask: 10, waitMsPerTask: 50 };
    assert.match(practices('async', { ...busy, cores: 4 }).get('keep-event-loop-free')!.detail, /busy 10(\.\d+)? s of the 10(\.\d+)? s, and that is what limits the plan\. Handing each task's CPU to a piscina pool instead \(async\+threads\) is predicted at \d(\.\d+)? s\. /);
    // Tasks shorter than the hand-off to a thread: the loop limits, and moving their CPU costs more than it frees.
    const tiny = practices('async', { runtime: 'node', tasks: 1000, cpuMsPerTask: 0.05, waitMsPerTask: 0.05 }).get('keep-event-loop-free')!.detail;
    assert.match(tiny, /what limits the plan\. Handing .* is predicted at [\d.]+ ms, no faster\./);
    for (const model of ['sequential', 'threads', 'processes', 'hybrid'] as const) {
      assert.ok(!practices(model, io).has('keep-event-loop-free'), `${model}: the tasks' CPU does not share a loop with other tasks`);
    }
  });

  test('tiny tasks are batched; waiting tasks get timeouts; very high fan-out hears of asyncio', () => {
    assert.ok(practices('sequential', { cpuMsPerTask: 0.5 }).has('batch-tiny-tasks'));
    assert.ok(!practices('sequential').has('batch-tiny-tasks'));
    // A pool that spends a large share of the run handing out tasks one by one: 10,000 file reads in Node.
    const handedOut = practices('threads', { runtime: 'node', tasks: 10_000, cpuMsPerTask: 0.2, waitMsPerTask: 0.5 }).get('batch-tiny-tasks');
    assert.match(handedOut?.detail ?? '', /^Handing one task to the thread pool costs the dispatcher 0\.057 ms, 28\.5% of the task's 0\.2 ms of CPU: 570 ms of the run's/);
    // Isolation is one task per message, and a batch would be lost whole in a crash.
    assert.ok(!practices('processes', { tasks: 10_000, cpuMsPerTask: 0.01, needsIsolation: true }).has('batch-tiny-tasks'));
    assert.ok(practices('processes', { tasks: 10_000, cpuMsPerTask: 0.01 }).has('batch-tiny-tasks'));
    // A 1 ms task with a 100 ms wait hands out 100 tasks in 2.2 ms of a 1.3 s run: nothing to batch, though it is under 1 ms of CPU.
    assert.ok(!practices('threads', { cpuMsPerTask: 1, waitMsPerTask: 100 }).has('batch-tiny-tasks'));
    assert.ok(practices('threads', { cpuMsPerTask: 1, waitMsPerTask: 100 }).has('timeouts-and-cancellation'));
    assert.ok(!practices('processes', { cpuMsPerTask: 100, waitMsPerTask: 0 }).has('timeouts-and-cancellation'));
    // 8 threads are no fan-out to move off threads for (the practice starts past ThreadPoolExecutor's 32;
    // practices-event-loops.test.ts has a plan above it).
    assert.ok(!practices('threads', { cpuMsPerTask: 1, waitMsPerTask: 100 }).has('asyncio-for-high-fan-out'));
  });

  test('a crash-prone batch on processes learns to recover a worker', () => {
    const cpython = practices('processes', { needsIsolation: true }).get('isolate-crashes')!.detail;
    assert.match(cpython, /BrokenProcessPool, the culprit among them\. The skeleton runs those again one at a time/);
    assert.match(cpython, /max_tasks_per_child \(3\.11\+\)/);
    // An exception in a Python thread does not end its process: no claim that a thread crash takes one down.
    assert.doesNotMatch(cpython, /thread crash/);
    // PyPy implements Python 3.9 and 3.10, which have no max_tasks_per_child.
    assert.doesNotMatch(practices('processes', { needsIsolation: true, runtime: 'pypy' }).get('isolate-crashes')!.detail, /max_tasks_per_child \(/);
    assert.match(practices('processes', { needsIsolation: true, runtime: 'node' }).get('isolate-crashes')!.detail, /records the one task it held, forks a replacement/);
    assert.ok(!practices('processes').has('isolate-crashes'));
  });
});
