import type { Costs } from './costs/index.js';
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

/**
 * A simpler model is kept when it is within this share of the fastest: in wall time, or in the time it
 * saves against sequential. The second matters when both are far faster than sequential: a job cut from
 * 5 minutes to 2.2 s by threads needs no hybrid to reach 0.6 s.
 */
export const SIMPLER_WITHIN = 0.05;

export interface Estimate {
  plan: Plan;
  prediction: Prediction;
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
        chunkSize: processChunkSize(work.tasks, processes, perTaskMs(work, processes), work.payloadBytes),
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

export function estimateAll(work: Work, costs: Costs): Estimate[] {
  return RUNTIME_TRAITS[work.runtime].models.map((model) => {
    const { plan, prediction } = fastest(work, plansFor(model, work, costs), costs);
    const notViable = constraintViolation(model, plan, work);
    return notViable
      ? { plan, prediction, viable: false, notViable }
      : { plan, prediction, viable: true };
  });
}

export function fastestOf(estimates: Estimate[]): Estimate {
  return estimates.reduce((a, b) => (b.prediction.wallMs < a.prediction.wallMs ? b : a));
}

/** The simpler model is close enough to `best`: within SIMPLER_WITHIN of its wall time or of its saving. */
export function closeEnough(candidate: Estimate, best: Estimate, sequentialMs: number): boolean {
  const wall = candidate.prediction.wallMs;
  const bestWall = best.prediction.wallMs;
  const saving = sequentialMs - wall;
  const bestSaving = sequentialMs - bestWall;
  return wall <= bestWall * (1 + SIMPLER_WITHIN) || (bestSaving > 0 && saving >= bestSaving * (1 - SIMPLER_WITHIN));
}

/**
 * The fastest viable estimate, unless a simpler one is close enough to it.
 * With nothing viable, the fastest of all, so that the client still gets sizes to start from.
 */
export function choose(estimates: Estimate[], sequentialMs: number): Estimate {
  const viable = estimates.filter((e) => e.viable);
  const pool = viable.length > 0 ? viable : estimates;
  const best = fastestOf(pool);
  return pool
    .filter((e) => closeEnough(e, best, sequentialMs))
    .reduce((a, b) => {
      const rankA = SIMPLICITY_RANK[a.plan.model];
      const rankB = SIMPLICITY_RANK[b.plan.model];
      if (rankA !== rankB) return rankB < rankA ? b : a;
      return b.prediction.wallMs < a.prediction.wallMs ? b : a;
    });
}
