import calibration from '../../../python/calibration.json' with { type: 'json' };
import { CalibrationReportSchema, costsFromCalibration } from './cpython-calibration.js';
import type { RuntimeCostTable } from './types.js';

/**
 * The measured figures come from `python3 python/calibrate.py` (CPython 3.11.7, fork, 2 cores), stored in this
 * file and read through the same mapping `task-advisor calibrate` applies to a run on the user's machine.
 */
const CALIBRATION = 'python/calibration.json';

/** CPython with the GIL: concurrent.futures ThreadPoolExecutor and ProcessPoolExecutor (fork on Linux). */
export const cpythonCosts: RuntimeCostTable = {
  // Measured once here by the asyncio step, which the recorded report predates; a report with it wins.
  asyncDispatchMs: {
    value: 0.051,
    source:
      "`python3 python/calibrate.py` (its asyncio step) here, 2026-11-30, 5 x 20,000 tasks at 100 in flight on pooled loopback connections: an asyncio request/reply cost 0.068-0.081 ms of the client's CPU, the same round trip on a blocking socket 0.022-0.026 ms (already part of a task's measured CPU); the median difference is what the loop adds per task. `task-advisor calibrate` measures it on your machine",
  },
  ...costsFromCalibration(CalibrationReportSchema.parse(calibration), undefined, CALIBRATION),
  threadSerializeMsPerMB: { value: 0, source: 'Threads share the interpreter heap: arguments pass by reference' },
  oversubscriptionPenalty: {
    value: 0.03,
    source: 'Context switching of runnable threads beyond the cores; estimate from the Linux CFS scheduler latency',
  },
  maxThreadsPerProcess: {
    value: 256,
    source: `${CALIBRATION} threadWait: 256 threads of 20 ms sleeps finish each wave 10 ms late (GIL hand-offs); beyond that asyncio is the tool`,
  },
};
