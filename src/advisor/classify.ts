import type { ExecutionModel } from './plan.js';

/** One task's cost: its CPU time and its waiting, in ms. */
export interface TaskCost {
  cpuMs: number;
  waitMs: number;
}

/** What a task mostly does: wait, compute, or both. */
export const WORK_KINDS = ['io-bound', 'cpu-bound', 'mixed'] as const;
export type WorkKind = (typeof WORK_KINDS)[number];

/** Below this share of CPU a task mostly waits; above the other, it mostly computes. */
export const IO_BOUND_BELOW = 0.2;
export const CPU_BOUND_ABOVE = 0.8;

/** A task with no cost at all is pure overhead, which is CPU work. */
export function cpuShare(work: TaskCost): number {
  const total = work.cpuMs + work.waitMs;
  return total > 0 ? work.cpuMs / total : 1;
}

export function classify(work: TaskCost): { kind: WorkKind; cpuShare: number } {
  const share = cpuShare(work);
  const kind = share < IO_BOUND_BELOW ? 'io-bound' : share > CPU_BOUND_ABOVE ? 'cpu-bound' : 'mixed';
  return { kind, cpuShare: share };
}

/** What the source article would pick from the kind alone; the advice says when the numbers disagree. */
export const RULE_OF_THUMB: Record<WorkKind, ExecutionModel> = {
  'io-bound': 'threads',
  'cpu-bound': 'processes',
  mixed: 'hybrid',
};
