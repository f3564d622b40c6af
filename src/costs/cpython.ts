import type { RuntimeCostTable } from './types.js';

/** Every figure below comes from `python3 bench/python/calibrate.py` (CPython 3.11.7, fork, 2 cores), stored in this file. */
const CALIBRATION = 'bench/python/calibration.json';

/** CPython with the GIL: concurrent.futures ThreadPoolExecutor and ProcessPoolExecutor (fork on Linux). */
export const cpythonCosts: RuntimeCostTable = {
  threadStartMs: { value: 0.2, source: `${CALIBRATION} threadStartMs: (T(k) - T(1)) / (k - 1) for pools of 8 and 32` },
  threadDispatchMs: {
    value: 0.0225,
    source: `${CALIBRATION} threadDispatchMs: list(executor.map) of no-op tasks on a warm pool of 2 threads, per task`,
  },
  threadSerializeMsPerMB: { value: 0, source: 'Threads share the interpreter heap: arguments pass by reference' },
  processPoolStartMs: {
    value: 5.6,
    source: `${CALIBRATION} processPoolFixedMs.fork: a pool of one process, created, used and shut down`,
  },
  processStartMs: {
    value: 3.6,
    source: `${CALIBRATION} processStartMs.fork: per process of a pool of 4 (forkserver 25, spawn 51: override for those)`,
  },
  processDispatchMs: {
    value: 0.077,
    source: `${CALIBRATION} processDispatchMs: executor.map with chunksize=1 on 2 warm processes, per task; the parent is the bottleneck`,
  },
  processItemMs: {
    value: 0.0003,
    source: `${CALIBRATION} processDispatchChunkedMs: per task inside chunks of 1,000-12,500 (packing an argument and its result)`,
  },
  serializeMsPerMB: {
    value: 1.7,
    source: `${CALIBRATION} serialization.pipelined2Workers: 32 x 8 MiB through 2 workers at 1.7-1.9 ms/MiB either way; the pool's call and result queues are one pipe each, so this is serial`,
  },
  deserializeMsPerMB: {
    value: 0.3,
    source: `${CALIBRATION} serialization: worker CPU per MiB outside the shared pipe (0.4-0.6 ms/MiB measured, part of it inside the serial figure)`,
  },
  gilSwitchIntervalMs: {
    value: 5,
    source: `${CALIBRATION} gilConvoy: 100 sleeps of 1 ms beside a spinning thread took 5.1 ms more each (sys.getswitchinterval() is 0.005)`,
  },
  oversubscriptionPenalty: {
    value: 0.03,
    source: 'Context switching of runnable threads beyond the cores; estimate from the Linux CFS scheduler latency',
  },
  sharedStateSyncMs: {
    value: 0.22,
    source: `${CALIBRATION} processDispatch.roundTripLatencyMs: one request/reply to another process (0.22 ms), as a Manager proxy call is`,
  },
  asyncDispatchMs: { value: 0.02, source: 'One asyncio task switch; not used: Python advice uses concurrent.futures' },
  maxThreadsPerProcess: {
    value: 256,
    source: `${CALIBRATION} threadWait: 256 threads of 20 ms sleeps finish each wave 10 ms late (GIL hand-offs); beyond that asyncio is the tool`,
  },
};
