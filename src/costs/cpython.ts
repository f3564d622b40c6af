import type { RuntimeCostTable } from './types.js';

const CALIBRATION = 'bench/python/calibration.json (python3 bench/python/calibrate.py, CPython 3.11 on this 2-core machine)';

/** CPython with the GIL: concurrent.futures ThreadPoolExecutor and ProcessPoolExecutor (fork on Linux). */
export const cpythonCosts: RuntimeCostTable = {
  threadStartMs: { value: 0.1, source: CALIBRATION },
  threadDispatchMs: { value: 0.03, source: CALIBRATION },
  threadSerializeMsPerMB: { value: 0, source: 'Threads share the interpreter heap: arguments are passed by reference' },
  processPoolStartMs: { value: 5, source: CALIBRATION },
  processStartMs: { value: 10, source: CALIBRATION },
  processDispatchMs: { value: 0.15, source: CALIBRATION },
  processItemMs: { value: 0.002, source: CALIBRATION },
  serializeMsPerMB: { value: 1, source: CALIBRATION },
  deserializeMsPerMB: { value: 0.5, source: CALIBRATION },
  gilContentionOverhead: { value: 0.03, source: CALIBRATION },
  oversubscriptionPenalty: {
    value: 0.03,
    source: 'Context switching of runnable threads beyond the cores; estimate from the Linux CFS scheduler latency',
  },
  sharedStateSyncMs: { value: 0.15, source: CALIBRATION },
  asyncDispatchMs: { value: 0.02, source: 'One asyncio task switch; not used: Python advice uses concurrent.futures' },
  maxThreadsPerProcess: {
    value: 256,
    source:
      'Beyond a few hundred threads CPython spends more on GIL hand-offs and stacks than it gains; asyncio is the tool there',
  },
};
