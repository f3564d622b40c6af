import { COST_NAMES, type Costs } from './costs/index.js';
import { predict, type Plan, type Prediction } from './model.js';
import { RUNTIME_TRAITS, SIMPLICITY_RANK, type ModelName } from './runtimes.js';
import {
  asyncConcurrency,
  hybridChunkSize,
  nativeThreadsPerTask,
  processChunkSize,
  processesWithinMemory,
  threadCount,
} from './sizing.js';
import type { Work } from './task-cost.js';

/** A faster model must beat a simpler one by more than this share to be chosen over it. */
export const SIMPLER_WITHIN = 0.05;

/**
 * Overhead constants are measured on one machine and one Python; another start method (spawn on macOS,
 * forkserver from 3.14) or machine easily doubles them. A more complex model is chosen only when it still
 * wins with its overheads at this multiple, so advice that rests on a thin, overhead-sensitive margin
 * keeps the simpler model.
 */
export const OVERHEAD_UNCERTAINTY = 2;

export interface Estimate {
  plan: Plan;
  prediction: Prediction;
  /** The same plan with every overhead at OVERHEAD_UNCERTAINTY times its value. */
  pessimisticWallMs: number;
  viable: boolean;
  /** Why the model cannot be used; absent when it can. */
  notViable?: string;
}

const sequentialPlan: Plan = { model: 'sequential', processes: 1, threadsPerProcess: 1, chunkSize: 1 };

function perTaskMs(work: Work, workers: number): number {
  return work.cpuMs / nativeThreadsPerTask(work, workers) + work.waitMs;
}

/** The best of several sizings of one model; among equals, the smallest. */
function fastest(work: Work, plans: Plan[], costs: Costs): { plan: Plan; prediction: Prediction } {
  let best: { plan: Plan; prediction: Prediction } | undefined;
  for (const plan of plans) {
    const prediction = predict(work, plan, costs);
    if (!best || prediction.wallMs < best.prediction.wallMs) best = { plan, prediction };
  }
  if (!best) throw new Error('no plan to weigh');
  return best;
}

function processCounts(work: Work): number[] {
  const most = Math.min(work.cores, work.tasks, work.maxConcurrency, processesWithinMemory(work));
  return Array.from({ length: Math.max(1, most) }, (_, i) => i + 1);
}

function plansFor(model: ModelName, work: Work, costs: Costs): Plan[] {
  switch (model) {
    case 'sequential':
      return [sequentialPlan];
    case 'async':
      return [{ model, processes: 1, threadsPerProcess: asyncConcurrency(work), chunkSize: 1 }];
    case 'threads':
      return [
        { model, processes: 1, threadsPerProcess: threadCount(work, costs, work.cores, work.maxConcurrency), chunkSize: 1 },
      ];
    case 'processes':
      return processCounts(work).map((processes) => ({
        model,
        processes,
        threadsPerProcess: 1,
        chunkSize: processChunkSize(work.tasks, processes, perTaskMs(work, processes)),
      }));
    case 'hybrid':
      return processCounts(work).map((processes) => {
        const perProcessLimit = Math.floor(work.maxConcurrency / processes);
        const threads = Math.max(2, threadCount(work, costs, work.cores / processes, perProcessLimit));
        return { model, processes, threadsPerProcess: threads, chunkSize: hybridChunkSize(work.tasks, processes, threads) };
      });
  }
}

/** Why a model cannot serve this profile, or undefined when it can. */
function constraintViolation(model: ModelName, plan: Plan, work: Work): string | undefined {
  const inCallerProcess = model === 'sequential' || model === 'threads' || model === 'async';
  if (work.needsIsolation && inCallerProcess) {
    return `needsIsolation: ${model === 'sequential' ? 'tasks run' : `${model} run`} inside the caller's process, so one crash or leak takes the whole batch down; a pool of worker processes isolates them.`;
  }
  if (model === 'hybrid' && plan.processes * plan.threadsPerProcess > work.maxConcurrency) {
    return `maxConcurrency ${work.maxConcurrency} leaves no room for two threads in each process.`;
  }
  const memoryCap = processesWithinMemory(work);
  if (memoryCap < 1) {
    return `one worker needs ${work.memoryMbPerWorker} MB, more than the ${work.memoryLimitMb} MB limit.`;
  }
  return undefined;
}

function pessimistic(costs: Costs): Costs {
  const scaled = { ...costs };
  for (const name of COST_NAMES) {
    if (name !== 'maxThreadsPerProcess') scaled[name] = costs[name] * OVERHEAD_UNCERTAINTY;
  }
  return scaled;
}

export function estimateAll(work: Work, costs: Costs): Estimate[] {
  const worse = pessimistic(costs);
  return RUNTIME_TRAITS[work.runtime].models.map((model) => {
    const { plan, prediction } = fastest(work, plansFor(model, work, costs), costs);
    const pessimisticWallMs = predict(work, plan, worse).wallMs;
    const notViable = constraintViolation(model, plan, work);
    return notViable
      ? { plan, prediction, pessimisticWallMs, viable: false, notViable }
      : { plan, prediction, pessimisticWallMs, viable: true };
  });
}

export function fastestOf(estimates: Estimate[]): Estimate {
  return estimates.reduce((a, b) => (b.prediction.wallMs < a.prediction.wallMs ? b : a));
}

/**
 * How slow a simpler model may be and still be preferred to `best`: within SIMPLER_WITHIN of it, or no
 * slower than `best` would be with its overheads at OVERHEAD_UNCERTAINTY times the measured figures.
 */
export function simplerLimit(best: Estimate): number {
  return Math.max(best.prediction.wallMs * (1 + SIMPLER_WITHIN), best.pessimisticWallMs);
}

/**
 * The fastest viable estimate, unless a simpler one is within simplerLimit of it.
 * With nothing viable, the fastest of all, so that the client still gets sizes to start from.
 */
export function choose(estimates: Estimate[]): Estimate {
  const viable = estimates.filter((e) => e.viable);
  const pool = viable.length > 0 ? viable : estimates;
  const best = fastestOf(pool);
  const limit = simplerLimit(best);
  return pool
    .filter((e) => e.prediction.wallMs <= limit)
    .reduce((a, b) => {
      const rankA = SIMPLICITY_RANK[a.plan.model];
      const rankB = SIMPLICITY_RANK[b.plan.model];
      if (rankA !== rankB) return rankB < rankA ? b : a;
      return b.prediction.wallMs < a.prediction.wallMs ? b : a;
    });
}
