import type { RuntimeCostTable } from './types.js';

/**
 * `task-advisor calibrate --runtime node` (src/cli/commands/calibrate-node.ts): bare worker_threads, child_process.fork with
 * serialization 'advanced' and async lanes on the event loop, as a user writes them. Five runs here on 2026-11-30
 * (Node 20.20, 2 cores), the median kept; those runs shared the cores with other programs' builds and tests.
 */
const CALIBRATED = '`task-advisor calibrate --runtime node` here, 2026-11-30, median of 5 runs';

/** Node.js: worker_threads for threads, forked children for processes, the event loop for async. */
export const nodeCosts: RuntimeCostTable = {
  threadStartMs: {
    value: 23,
    source:
      'a bare Worker started until its first message, on the quiet machine (2026-11-29: 1 Worker ready in 23 ms, 2 in 24 ms); the 2026-11-30 calibrations read 68-200 ms while other programs held both cores, and are not taken',
  },
  threadDispatchMs: { value: 0.057, source: `${CALIBRATED}: a no-op postMessage round trip to a warm Worker (45-61 us)` },
  threadSerializeMsPerMB: {
    value: 1.1,
    source: `${CALIBRATED}: a 1 MiB Buffer structured-cloned to a Worker and null back, beyond a no-op (0.89-1.1 ms; a plain object of records costs 17-33 ms per MiB: put bulk data in Buffers)`,
  },
  processPoolStartMs: { value: 0, source: 'Forking children has no pool-wide cost beyond each child' },
  processStartMs: {
    value: 125,
    source:
      'a forked child started until its first message, then killed: 100-150 ms on the quiet machine (2026-11-29); the 2026-11-30 calibrations read 177-504 ms while other programs held both cores, and are not taken',
  },
  processDispatchMs: { value: 0.16, source: `${CALIBRATED}: a no-op IPC round trip to a warm forked child (0.16-0.34 ms)` },
  processItemMs: { value: 0.002, source: 'V8 serialisation of one small item inside a batch message; estimate' },
  serializeMsPerMB: {
    value: 1.05,
    source: `${CALIBRATED}: a 1 MiB Buffer over IPC with serialization 'advanced' and null back took 2.1 ms per MiB beyond a no-op (1.4-4.7), split between the two sides`,
  },
  deserializeMsPerMB: { value: 1.05, source: 'The other half of the 2.1 ms per MiB IPC round trip above' },
  gilSwitchIntervalMs: { value: 0, source: 'Node has no GIL: each worker thread has its own isolate' },
  oversubscriptionPenalty: {
    value: 0.03,
    source: 'Context switching of runnable threads beyond the cores; estimate from the Linux CFS scheduler latency',
  },
  sharedStateSyncMs: {
    value: 0.16,
    source: `${CALIBRATED}: one IPC round trip to the process that owns the state`,
  },
  asyncDispatchMs: {
    value: 0.0008,
    source: `${CALIBRATED}: 20,000 tasks in 64 async lanes, each awaiting one turn of the event loop (0.7-2.7 us a task)`,
  },
  maxThreadsPerProcess: {
    value: 16,
    source:
      '`npm run bench` (bench/jobs.ts, threadScaling) here, 2026-11-29: 256 waits of 7.7 ms on bare piscina took 1.1x the ideal on 16 threads, 1.4x on 32 and 2.3-2.8x on 64 (each thread is a V8 isolate of about 10 MB with its own event loop); past 16, an event loop overlaps waits for less',
  },
};

/**
 * The pools POST /jobs runs samples on, as the service drives them (src/jobs): piscina and tinypool's
 * child_process runtime, which adds a MessagePort hop to each IPC message. /jobs/compare predicts with these;
 * the advice never does.
 */
export const nodeSamplePoolCosts: Partial<RuntimeCostTable> = {
  threadStartMs: {
    value: 37,
    source: 'a piscina pool of 2 threads is ready in about 75 ms here (2026-11-28)',
  },
  threadDispatchMs: {
    value: 0.065,
    source: '`npm run bench` (bench/jobs.ts) here, 2026-11-29: 4,000 no-op tasks on 2 piscina threads, 64 us each (bare piscina 40 us)',
  },
  processDispatchMs: {
    value: 0.15,
    source: '`npm run bench` (bench/jobs.ts) here, 2026-11-29: 4,000 no-op tasks on 2 tinypool processes, 150 us each (bare fork IPC 38 us)',
  },
};
