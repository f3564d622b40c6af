import type { Costs } from '../costs/index.js';
import { RUNTIME_TRAITS } from '../runtimes.js';
import type { Work } from '../work.js';

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
  const computeMs = work.cpuMs / Math.min(work.threadsPerTask, work.cores);
  return Math.ceil(usable * (1 + waitComputeRatio(computeMs, work.waitMs)));
}

/**
 * Threads for one process: the Goetz count, and at least one per core (what a CPU-bound pool is sized to,
 * so its estimate shows what the GIL does to it), within the tasks, the downstream's limit and the runtime's cap.
 */
export function threadCount(work: Work, costs: Costs, coresForProcess: number, concurrencyLimit: number): number {
  const wanted = Math.max(goetzThreads(work, coresForProcess), Math.floor(coresForProcess));
  return Math.max(1, Math.min(wanted, work.tasks, concurrencyLimit, costs.maxThreadsPerProcess));
}

/** Event-loop concurrency: the loop is one core, so Goetz with one core, within the downstream's limit. */
export function asyncConcurrency(work: Work): number {
  const wanted = Math.ceil(1 + waitComputeRatio(work.cpuMs, work.waitMs));
  return Math.max(1, Math.min(wanted, work.tasks, work.maxConcurrency));
}

/**
 * A message to a process carries at most this much payload: per-MB cost grows with message size
 * (python/calibration.json: 0.75 ms/MiB for 1 MiB messages, 2.7 for 8 MiB ones).
 */
export const MAX_CHUNK_PAYLOAD_BYTES = 1 << 20;

/**
 * Tasks per message to a worker process: enough work to amortise dispatch, enough chunks to balance,
 * and no more payload than MAX_CHUNK_PAYLOAD_BYTES (bench/python uses the same rule).
 */
export function processChunkSize(tasks: number, processes: number, perTaskMs: number, payloadBytes = 0): number {
  const forBalance = Math.ceil(tasks / (MIN_CHUNKS_PER_PROCESS * processes));
  const forAmortising = perTaskMs > 0 ? Math.ceil(TARGET_CHUNK_MS / perTaskMs) : forBalance;
  const forPayload = payloadBytes > 0 ? Math.max(1, Math.floor(MAX_CHUNK_PAYLOAD_BYTES / payloadBytes)) : forBalance;
  const size = Math.max(1, Math.min(forBalance, forAmortising, forPayload));
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

/** Worker processes the memory limit allows; unlimited when either figure is missing. */
export function processesWithinMemory(work: Work): number {
  if (work.memoryMbPerWorker === undefined || work.memoryLimitMb === undefined) return Number.POSITIVE_INFINITY;
  return Math.floor(work.memoryLimitMb / work.memoryMbPerWorker);
}
