import type { CostEntry, CostName } from './types.js';

/** Costs measured on one machine, each with how it was measured; a runtime's other costs keep their defaults. */
export type MeasuredCosts = Partial<Record<CostName, CostEntry>>;

/**
 * Two significant figures, whole numbers from 10 up: each figure is a median of runs that vary by 5-10 % on a
 * shared machine (bench/python/README.md, "Noise"), so further digits would be noise in the advice.
 */
export function roundMeasured(ms: number): number {
  return ms >= 10 ? Math.round(ms) : Number(ms.toPrecision(2));
}
