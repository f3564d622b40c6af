import type { MeasuredCosts } from '../advisor/costs/measured.js';
import type { CostName } from '../advisor/costs/types.js';
import type { Runtime } from '../advisor/profile.js';

/** The runtimes `task-advisor calibrate` can measure: the Python ones through python/calibrate.py, node in-process. */
export const CALIBRATED_RUNTIMES = ['cpython', 'pypy', 'node'] as const satisfies readonly Runtime[];
export type CalibratedRuntime = (typeof CALIBRATED_RUNTIMES)[number];

export interface CalibrationResult {
  runtime: CalibratedRuntime;
  /** What ran the measurements, e.g. "CPython 3.11.7 (python3), start method fork". */
  measuredOn: string;
  costs: MeasuredCosts;
}

/** The figures alone, as a profile's `costs` object takes them. */
export function costsObject(result: CalibrationResult): Partial<Record<CostName, number>> {
  return Object.fromEntries(Object.entries(result.costs).map(([name, entry]) => [name, entry.value]));
}
