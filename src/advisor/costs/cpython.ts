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
  ...costsFromCalibration(CalibrationReportSchema.parse(calibration), undefined, CALIBRATION),
  threadSerializeMsPerMB: { value: 0, source: 'Threads share the interpreter heap: arguments pass by reference' },
  oversubscriptionPenalty: {
    value: 0.03,
    source: 'Context switching of runnable threads beyond the cores; estimate from the Linux CFS scheduler latency',
  },
  asyncDispatchMs: { value: 0.02, source: 'One asyncio task switch; not used: Python advice uses concurrent.futures' },
  maxThreadsPerProcess: {
    value: 256,
    source: `${CALIBRATION} threadWait: 256 threads of 20 ms sleeps finish each wave 10 ms late (GIL hand-offs); beyond that asyncio is the tool`,
  },
};
