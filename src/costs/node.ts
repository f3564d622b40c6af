import type { RuntimeCostTable } from './types.js';

const STACK = 'shared/STACK.md, measured on this 2-core machine with Node 20.20';

/** Node.js: worker_threads (piscina) for threads, forked children for processes, the event loop for async. */
export const nodeCosts: RuntimeCostTable = {
  threadStartMs: { value: 37, source: `${STACK}: a piscina pool of 2 threads is ready in about 75 ms` },
  threadDispatchMs: { value: 0.085, source: `${STACK}: a no-op piscina task round trip is 70-100 us` },
  threadSerializeMsPerMB: {
    value: 40,
    source: `${STACK}: a 1 MB plain object costs about 40 ms to structured-clone (a transferred ArrayBuffer is free)`,
  },
  processPoolStartMs: { value: 0, source: 'Forking children has no pool-wide cost beyond each child' },
  processStartMs: { value: 125, source: `${STACK}: a forked Node child is ready in about 100-150 ms` },
  processDispatchMs: { value: 0.1, source: `${STACK}: a no-op IPC round trip is 80-115 us` },
  processItemMs: { value: 0.002, source: 'V8 serialisation of one small item inside a batch message; estimate' },
  serializeMsPerMB: {
    value: 0.7,
    source: `${STACK}: a 1 MB Buffer takes about 1.4 ms with serialization 'advanced' (split between the two sides)`,
  },
  deserializeMsPerMB: { value: 0.7, source: `${STACK}: the other half of the 1.4 ms per MB round trip` },
  gilSwitchIntervalMs: { value: 0, source: 'Node has no GIL: each worker thread has its own isolate' },
  oversubscriptionPenalty: {
    value: 0.03,
    source: 'Context switching of runnable threads beyond the cores; estimate from the Linux CFS scheduler latency',
  },
  sharedStateSyncMs: {
    value: 0.1,
    source: `${STACK}: one IPC round trip (80-115 us) to the process that owns the state`,
  },
  asyncDispatchMs: { value: 0.005, source: 'One promise plus one timer on the event loop: a few microseconds; estimate' },
  maxThreadsPerProcess: {
    value: 64,
    source: 'Each worker thread is a V8 isolate of about 10 MB; more than a few per core buys nothing for CPU work',
  },
};
