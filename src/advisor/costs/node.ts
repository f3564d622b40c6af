import type { RuntimeCostTable } from './types.js';

const MEASURED = 'Measured here (2 cores, Node 20.20; `task-advisor calibrate --runtime node` measures it on your machine)';

/** Node.js: worker_threads (piscina) for threads, forked children for processes, the event loop for async. */
export const nodeCosts: RuntimeCostTable = {
  threadStartMs: { value: 37, source: `${MEASURED}: a piscina pool of 2 threads is ready in about 75 ms` },
  threadDispatchMs: { value: 0.085, source: `${MEASURED}: a no-op piscina task round trip is 70-100 us` },
  threadSerializeMsPerMB: {
    value: 1,
    source:
      '`task-advisor calibrate --runtime node` here, 2026-11-29: a 1 MiB Buffer structured-cloned to a Worker and back took 0.92-1.2 ms per MiB beyond a no-op (a plain object of records costs 17-33 ms per MiB: put bulk data in Buffers)',
  },
  processPoolStartMs: { value: 0, source: 'Forking children has no pool-wide cost beyond each child' },
  processStartMs: { value: 125, source: `${MEASURED}: a forked Node child is ready in about 100-150 ms` },
  processDispatchMs: { value: 0.1, source: `${MEASURED}: a no-op IPC round trip is 80-115 us` },
  processItemMs: { value: 0.002, source: 'V8 serialisation of one small item inside a batch message; estimate' },
  serializeMsPerMB: {
    value: 1.3,
    source:
      "`task-advisor calibrate --runtime node` here, 2026-11-29: a 1 MiB Buffer over IPC with serialization 'advanced' took 2.6 ms per MiB beyond a no-op, split between the two sides",
  },
  deserializeMsPerMB: { value: 1.3, source: 'The other half of the 2.6 ms per MiB IPC round trip above' },
  gilSwitchIntervalMs: { value: 0, source: 'Node has no GIL: each worker thread has its own isolate' },
  oversubscriptionPenalty: {
    value: 0.03,
    source: 'Context switching of runnable threads beyond the cores; estimate from the Linux CFS scheduler latency',
  },
  sharedStateSyncMs: {
    value: 0.1,
    source: `${MEASURED}: one IPC round trip (80-115 us) to the process that owns the state`,
  },
  asyncDispatchMs: { value: 0.005, source: 'One promise plus one timer on the event loop: a few microseconds; estimate' },
  maxThreadsPerProcess: {
    value: 16,
    source:
      '`npm run bench` (bench/jobs.ts, threadScaling) here, 2026-11-29: 256 waits of 7.7 ms on bare piscina took 1.1x the ideal on 16 threads, 1.4x on 32 and 2.3-2.8x on 64 (each thread is a V8 isolate of about 10 MB with its own event loop); past 16, an event loop overlaps waits for less',
  },
};

/**
 * The pools POST /jobs runs samples on, as the service drives them (src/jobs): piscina and tinypool's
 * child_process runtime, which adds a MessagePort hop to each IPC message. /jobs/compare predicts with these.
 */
export const nodeSamplePoolCosts: Partial<RuntimeCostTable> = {
  threadDispatchMs: {
    value: 0.065,
    source: '`npm run bench` (bench/jobs.ts) here, 2026-11-29: 4,000 no-op tasks on 2 piscina threads, 64 us each (bare piscina 40 us)',
  },
  processDispatchMs: {
    value: 0.15,
    source: '`npm run bench` (bench/jobs.ts) here, 2026-11-29: 4,000 no-op tasks on 2 tinypool processes, 150 us each (bare fork IPC 38 us)',
  },
};
