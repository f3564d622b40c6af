import type { Costs } from './costs/index.js';
import { predict, type Prediction } from './model/estimate.js';
import type { ExecutionModel, Plan } from './plan.js';
import { RUNTIME_TRAITS, SIMPLICITY_RANK } from './runtimes.js';
import {
  asyncConcurrency,
  hybridChunkSize,
  nativeThreadsPerTask,
  processChunkSize,
  processesWithinMemory,
  threadCount,
} from './model/sizing.js';
import type { Work } from './work.js';

/** A simpler model is kept when its predicted wall time is within this share of the fastest's. */
export const SIMPLER_WITHIN = 0.05;

/**
 * It is kept too when what it leaves on the table is under this share of the sequential time (a job cut
 * from 5 minutes to 2.2 s by threads needs no hybrid to reach 2 s), but only while the faster plan's gain
 * is small in relative terms as well: see MAX_SLOWDOWN_OF_SIMPLER.
 */
export const NEGLIGIBLE_GAIN_OF_SEQUENTIAL = 0.01;

/**
 * A simpler model is never kept over a plan this many times faster, however small the gain is against the
 * sequential time: 20 s of threads against 2.9 s of a hybrid is a 7x slower answer, not a simpler one.
 */
export const MAX_SLOWDOWN_OF_SIMPLER = 1.25;

export interface Estimate {
  plan: Plan;
  prediction: Prediction;
  viable: boolean;
  /** Why the model cannot be used; absent when it can. */
  notViable?: string;
}

const sequentialPlan: Plan = { model: 'sequential', processes: 1, threadsPerProcess: 1, chunkSize: 1 };

/** The batch run one task after another: the baseline every speed-up is against. */
export function sequentialWallMs(work: Work, costs: Costs): number {
  return predict(work, sequentialPlan, costs).wallMs;
}

function perTaskMs(work: Work, workers: number): number {
  return work.cpuMs / nativeThreadsPerTask(work, workers) + work.waitMs;
}

/** A larger sizing must be this much faster than a smaller one to be preferred: it costs memory and start-up. */
const LARGER_SIZE_GAIN = 0.01;

/** Sizings beyond Goetz's count that are also weighed: the GIL convoy and uneven waits favour more threads. */
const THREAD_HEADROOM = [1, 2, 4] as const;

/** The best of several sizings of one model, listed smallest first; a larger one must beat it clearly. */
function fastest(work: Work, plans: Plan[], costs: Costs): { plan: Plan; prediction: Prediction } {
  let best: { plan: Plan; prediction: Prediction } | undefined;
  for (const plan of plans) {
    const prediction = predict(work, plan, costs);
    if (!best || prediction.wallMs < best.prediction.wallMs * (1 - LARGER_SIZE_GAIN)) best = { plan, prediction };
  }
  if (!best) throw new Error('no plan to weigh');
  return best;
}

/**
 * Process counts to weigh: up to twice the cores, since a few long tasks finish sooner time-sliced over
 * more processes than in rounds (3 x 100 ms on 2 cores: 4 processes 160 ms, 2 processes 200 ms, measured).
 */
function processCounts(work: Work): number[] {
  const most = Math.max(1, Math.min(2 * work.cores, work.tasks, work.maxConcurrency, processesWithinMemory(work)));
  // Every count up to 16, then steps of about 10% (and the cores themselves), so 1,024 cores cost ~60 plans.
  const counts = new Set<number>([most]);
  for (let n = 1; n <= most; n = n < 16 ? n + 1 : Math.ceil(n * 1.1)) counts.add(n);
  if (work.cores <= most) counts.add(work.cores);
  return [...counts].sort((a, b) => a - b);
}

/** Thread counts for one process: Goetz's, then with headroom, within the same limits. */
function threadCounts(work: Work, costs: Costs, coresForProcess: number, concurrencyLimit: number, least: number): number[] {
  const base = Math.max(least, threadCount(work, costs, coresForProcess, concurrencyLimit));
  const most = Math.max(least, Math.min(work.tasks, concurrencyLimit, costs.maxThreadsPerProcess));
  return [...new Set(THREAD_HEADROOM.map((factor) => Math.min(base * factor, Math.max(base, most))))];
}

function plansFor(model: ExecutionModel, work: Work, costs: Costs): Plan[] {
  switch (model) {
    case 'sequential':
      return [sequentialPlan];
    case 'async':
      return [{ model, processes: 1, threadsPerProcess: asyncConcurrency(work), chunkSize: 1, inner: 'async' }];
    case 'threads':
      return threadCounts(work, costs, work.cores, work.maxConcurrency, 1).map((threads) => ({
        model,
        processes: 1,
        threadsPerProcess: threads,
        chunkSize: 1,
        inner: 'threads',
      }));
    case 'processes':
      return processCounts(work).map((processes) => ({
        model,
        processes,
        threadsPerProcess: 1,
        chunkSize: processChunkSize(work.tasks, processes, perTaskMs(work, processes), work.payloadBytes),
      }));
    case 'hybrid':
      return processCounts(work)
        .filter((processes) => processes <= work.cores)
        .flatMap((processes) =>
          threadCounts(work, costs, work.cores / processes, Math.floor(work.maxConcurrency / processes), 2).map(
            (threads) => ({
              model,
              processes,
              threadsPerProcess: threads,
              chunkSize: hybridChunkSize(work.tasks, processes, threads),
              inner: 'threads',
            }),
          ),
        );
  }
}

/** Why a model cannot serve this profile, or undefined when it can. */
function constraintViolation(model: ExecutionModel, plan: Plan, work: Work): string | undefined {
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

/**
 * The simpler model is close enough to `best`: within SIMPLER_WITHIN of it, or a negligible gain away that is
 * also within MAX_SLOWDOWN_OF_SIMPLER of it.
 */
export function closeEnough(candidate: Estimate, best: Estimate, sequentialMs: number): boolean {
  const wall = candidate.prediction.wallMs;
  const bestWall = best.prediction.wallMs;
  if (wall <= bestWall * (1 + SIMPLER_WITHIN)) return true;
  return wall - bestWall <= sequentialMs * NEGLIGIBLE_GAIN_OF_SEQUENTIAL && wall <= bestWall * MAX_SLOWDOWN_OF_SIMPLER;
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
