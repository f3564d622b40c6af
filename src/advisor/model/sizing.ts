import type { Costs } from '../costs/index.js';
import { RUNTIME_TRAITS } from '../runtimes.js';
import { computeWallMs, type Work } from '../work.js';
import { handsCpuToThreads, type Plan } from '../plan.js';

/** A chunk sent to a process should hold this much work, so one IPC round trip is amortised over it. */
export const TARGET_CHUNK_MS = 50;
/** Chunks per process at the least, so the last chunks balance across processes. */
export const MIN_CHUNKS_PER_PROCESS = 4;

/** Ratio of waiting to computing for one task; a task that only waits has an unbounded ratio. */
export function waitComputeRatio(computeMs: number, waitMs: number): number {
  if (computeMs > 0) return waitMs / computeMs;
  return waitMs > 0 ? Number.POSITIVE_INFINITY : 0;
}

/** Native threads one task may use once each of `workers` concurrent workers is capped to its share of the cores. */
export function nativeThreadsPerTask(work: Work, workers: number): number {
  if (work.threadsPerTask <= 1) return 1;
  const share = Math.floor(work.cores / Math.min(Math.max(workers, 1), work.cores));
  return Math.max(1, Math.min(work.threadsPerTask, share));
}

/** One task's CPU alone, on as many native threads as it runs and the cores allow: its wall time. */
function ownComputeMs(work: Work): number {
  return computeWallMs(work, Math.min(work.threadsPerTask, work.cores));
}

/** One task alone: its CPU's wall time on its own native threads, and its wait. */
export function ownTaskMs(work: Work): number {
  return ownComputeMs(work) + work.waitMs;
}

/** What a count may exceed a whole number by and still be that number: far below any real wait's share. */
const ROUNDING_NOISE = 1e-9;

/**
 * Threads that keep one process's usable cores busy: Goetz's cores x (1 + wait / compute).
 * The usable cores are the process's share of the machine, divided among a task's native threads,
 * and, under a GIL, no more than 1 / (GIL-held share): beyond that the threads queue for the lock.
 */
export function goetzThreads(work: Work, coresForProcess: number): number {
  const tasksComputingAtOnce = Math.max(1, coresForProcess / work.threadsPerTask);
  const gilHeldShare = 1 - work.gilReleasedShare;
  const gilLimit =
    RUNTIME_TRAITS[work.runtime].hasGil && gilHeldShare > 0 ? 1 / gilHeldShare : Number.POSITIVE_INFINITY;
  const usable = Math.min(tasksComputingAtOnce, gilLimit);
  // Rounded up, but not for a wait of floating-point noise: 3 x (1 + 1e-16) threads are 3, not 4.
  return Math.ceil(usable * (1 + waitComputeRatio(ownComputeMs(work), work.waitMs)) - ROUNDING_NOISE);
}

/** Tasks in flight beyond Little's law under a rate limit, for the tasks whose time runs over the mean. */
export const RATE_HEADROOM = 1.25;

/**
 * Tasks in flight that keep up with tasks admitted at `perSecond`, by Little's law (rate x a task's time) with
 * RATE_HEADROOM: more only wait for their turn. Unbounded where nothing limits the rate.
 */
export function inFlightToKeepUp(work: Work, perSecond: number): number {
  if (!Number.isFinite(perSecond)) return Number.POSITIVE_INFINITY;
  return Math.max(1, Math.ceil((RATE_HEADROOM * perSecond * ownTaskMs(work)) / 1000));
}

/**
 * Tasks in flight that keep up with the downstream's rate limit: more only wait their turn at the pacer. 50
 * calls a second of 152 ms need 7.6 in flight, so 10; 1,000 such calls took 20.13 s on the advised 10 threads and
 * 20.14 s on Goetz's 76 (the snippet, TASKS cut to 1,000).
 */
export function rateConcurrency(work: Work): number {
  return inFlightToKeepUp(work, work.maxRatePerSecond);
}

/**
 * Threads for one process: the Goetz count, and at least one per core (what a CPU-bound pool is sized to,
 * so its estimate shows what the GIL does to it), within the tasks, the downstream's limit and the runtime's cap.
 */
export function threadCount(work: Work, costs: Costs, coresForProcess: number, concurrencyLimit: number): number {
  const wanted = Math.max(goetzThreads(work, coresForProcess), Math.floor(coresForProcess));
  return Math.max(1, Math.min(wanted, work.tasks, concurrencyLimit, costs.maxThreadsPerProcess));
}

/**
 * Tasks in flight on one event loop: the loop is one core, so Goetz with one core, 1 + wait / (the loop's
 * CPU per task), within the tasks and the downstream's limit (its share of it, for one of several loops).
 */
export function asyncConcurrency(work: Work, costs: Costs, concurrencyLimit = work.maxConcurrency): number {
  const wanted = Math.ceil(1 + waitComputeRatio(work.cpuMs + costs.asyncDispatchMs, work.waitMs));
  return Math.max(1, Math.min(wanted, work.tasks, concurrencyLimit));
}

/**
 * A message to a process carries at most this much payload: per-MB cost grows with message size
 * (python/calibration.json: 0.75 ms/MiB for 1 MiB messages, 2.7 for 8 MiB ones).
 */
export const MAX_CHUNK_PAYLOAD_BYTES = 1 << 20;

/** The dispatcher should be busy at most this share of the time the workers take on the chunks it sends. */
export const DISPATCHER_HEADROOM = 0.5;

/**
 * Tasks per chunk below which one dispatcher cannot keep `processes` workers fed: each chunk costs it a
 * message round trip plus a packing per task, while a worker spends chunk x perTaskMs on it. Past a few
 * hundred processes this, not TARGET_CHUNK_MS, sets the chunk: 1e9 tasks of 0.5 ms on 1,024 cores in
 * chunks of 24 kept the dispatcher busy 58 minutes for 8 minutes of work per core.
 */
export function dispatcherChunkFloor(processes: number, perTaskMs: number, messageMs: number, itemMs: number): number {
  const workerMsPerTask = perTaskMs * DISPATCHER_HEADROOM - processes * itemMs;
  // When packing alone comes near saturating it, only the fewest messages help: chunks as large as balance
  // allows (and fewer processes, which the model weighs too).
  if (workerMsPerTask <= 0) return Number.POSITIVE_INFINITY;
  return Math.ceil((processes * messageMs) / workerMsPerTask);
}

/**
 * Tasks per message to a worker process: enough work to amortise dispatch (and to keep the dispatcher
 * ahead of the workers), enough chunks to balance, and no more payload than MAX_CHUNK_PAYLOAD_BYTES
 * (bench/python uses the same rule; the dispatcher's floor binds only past ~300 processes, which it
 * never runs).
 */
export function processChunkSize(
  tasks: number,
  processes: number,
  perTaskMs: number,
  payloadBytes = 0,
  dispatcher?: { messageMs: number; itemMs: number },
): number {
  const forBalance = Math.ceil(tasks / (MIN_CHUNKS_PER_PROCESS * processes));
  const forAmortising = perTaskMs > 0 ? Math.ceil(TARGET_CHUNK_MS / perTaskMs) : forBalance;
  const forDispatcher =
    dispatcher && perTaskMs > 0 ? dispatcherChunkFloor(processes, perTaskMs, dispatcher.messageMs, dispatcher.itemMs) : 1;
  const forPayload = payloadBytes > 0 ? Math.max(1, Math.floor(MAX_CHUNK_PAYLOAD_BYTES / payloadBytes)) : forBalance;
  const size = Math.max(1, Math.min(forBalance, forPayload, Math.max(forAmortising, forDispatcher)));
  // As many rounds, in chunks that share out evenly: 32 tasks in chunks of 3 leave a process 17.
  const rounds = Math.ceil(tasks / (processes * size));
  return Math.max(1, Math.floor(tasks / (processes * rounds)));
}

/**
 * Tasks per message to a hybrid worker: up to MIN_CHUNKS_PER_PROCESS chunks per process for balance, but
 * never fewer tasks than the process has threads, which would leave threads idle (bench/python uses the same rule).
 */
export function hybridChunkSize(tasks: number, processes: number, threads: number): number {
  const chunksPerProcess = Math.max(1, Math.min(MIN_CHUNKS_PER_PROCESS, Math.floor(tasks / (processes * threads))));
  return Math.ceil(tasks / Math.min(tasks, processes * chunksPerProcess));
}

/** Workers with a heap of their own that the memory limit allows; unlimited when either figure is missing. */
export function processesWithinMemory(work: Work): number {
  if (work.memoryMbPerWorker === undefined || work.memoryLimitMb === undefined) return Number.POSITIVE_INFINITY;
  return Math.floor(work.memoryLimitMb / work.memoryMbPerWorker);
}

/**
 * Workers of a plan that each hold a heap of their own: worker processes, and in Node every worker thread
 * too (each is a V8 isolate with its own heap); a plan that runs in the caller's process holds its one.
 */
export function workerHeaps(plan: Plan, work: Pick<Work, 'runtime' | 'cores'>): number {
  const isolates = RUNTIME_TRAITS[work.runtime].language === 'javascript';
  if (plan.model === 'processes') return plan.processes;
  if (plan.model === 'hybrid') return plan.inner === 'async' || !isolates ? plan.processes : plan.processes * plan.threadsPerProcess;
  if (!isolates) return 1;
  if (plan.model === 'threads') return plan.threadsPerProcess;
  // An event loop that hands its tasks' CPU to a pool: a worker thread per core at most.
  if (handsCpuToThreads(plan)) return Math.min(work.cores, plan.threadsPerProcess);
  return 1;
}
