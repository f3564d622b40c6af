import { AGREEMENT_WITHIN } from '../advisor/verdict.js';
import type { Advice, EstimateReply } from '../advisor/advice.js';
import type { PlanToRun, VerifiedRun } from './probe-runner.js';

export type Role = 'recommended' | 'runner-up';

export interface PlannedCheck {
  role: Role;
  plan: PlanToRun;
  /** The advisor's prediction for the sample at these sizes. */
  predictedWallMs: number;
}

export interface CheckedPlan extends PlannedCheck {
  /** Median of the rounds. */
  measuredWallMs: number;
  repeatsMs: number[];
  /** predicted / measured - 1. */
  predictionError: number;
}

export interface Verification {
  sampleTasks: number;
  rounds: number;
  plans: CheckedPlan[];
  /** The recommended plan measured within AGREEMENT_WITHIN of the faster of the two. */
  held: boolean;
  /** Measured wall of the recommended plan over the faster one (1 when it was the faster). */
  recommendedOverFaster: number;
  /** The advisor's own prediction for the sample ranks the runner-up first (a small sample can). */
  sampleFavoursRunnerUp: boolean;
  /** The 1-minute load average before and after the runs, on this many cores: the predictions assume free cores. */
  loadAverage: [number, number];
  cores: number;
}

function fastest<T extends { predictedWallMs: number }>(estimates: T[]): T | undefined {
  return estimates.reduce<T | undefined>((best, e) => (best === undefined || e.predictedWallMs < best.predictedWallMs ? e : best), undefined);
}

function planOf(estimate: EstimateReply): PlanToRun {
  return {
    model: estimate.model,
    processes: estimate.processes,
    threadsPerProcess: estimate.threadsPerProcess,
    chunkSize: estimate.chunkSize,
  };
}

/**
 * The batch's recommended model and its runner-up (the fastest other viable model, else the fastest
 * other), each at the sizes the advisor gives for the sample, with its prediction for the sample: so that
 * measured and predicted are for the same batch of tasks.
 */
export function plansToVerify(batch: Advice, sample: Advice): PlannedCheck[] {
  const recommended = batch.recommendation.model;
  const others = batch.estimates.filter((e) => e.model !== recommended);
  const runnerUp = fastest(others.some((e) => e.viable) ? others.filter((e) => e.viable) : others);
  const checks: PlannedCheck[] = [];
  for (const [role, model] of [
    ['recommended', recommended],
    ['runner-up', runnerUp?.model],
  ] as const) {
    const estimate = sample.estimates.find((e) => e.model === model);
    if (estimate) checks.push({ role, plan: planOf(estimate), predictedWallMs: estimate.predictedWallMs });
  }
  return checks;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function verification(
  checks: PlannedCheck[],
  { runs, loadAverage }: { runs: VerifiedRun[]; loadAverage: [number, number] },
  sampleTasks: number,
  rounds: number,
  cores: number,
): Verification {
  const plans: CheckedPlan[] = checks.map((check, i) => {
    const repeatsMs = runs[i]?.wallMs ?? [];
    const measuredWallMs = median(repeatsMs);
    return { ...check, measuredWallMs, repeatsMs, predictionError: check.predictedWallMs / measuredWallMs - 1 };
  });
  const recommended = plans.find((p) => p.role === 'recommended')!;
  const runnerUp = plans.find((p) => p.role === 'runner-up');
  const faster = Math.min(...plans.map((p) => p.measuredWallMs));
  return {
    sampleTasks,
    rounds,
    plans,
    held: recommended.measuredWallMs <= faster * (1 + AGREEMENT_WITHIN),
    recommendedOverFaster: recommended.measuredWallMs / faster,
    sampleFavoursRunnerUp: runnerUp !== undefined && runnerUp.predictedWallMs < recommended.predictedWallMs,
    loadAverage,
    cores,
  };
}
