import calibration from '../../../python/calibration-pypy.json' with { type: 'json' };
import { CalibrationReportSchema, costsFromCalibration } from './cpython-calibration.js';
import { cpythonCosts } from './cpython.js';
import type { RuntimeCostTable } from './types.js';

/**
 * The measured figures come from `pypy3 python/calibrate.py` (PyPy 7.3.11, Python 3.9, fork, 2 cores), stored in
 * this file and read through the same mapping as CPython's: PyPy keeps a GIL and the same concurrent.futures pools.
 */
const CALIBRATION = 'python/calibration-pypy.json';

export const pypyCosts: RuntimeCostTable = {
  // What the report does not give (threads' payload copy, the oversubscription penalty, the thread cap) is CPython's.
  ...cpythonCosts,
  ...costsFromCalibration(CalibrationReportSchema.parse(calibration), undefined, CALIBRATION),
};
