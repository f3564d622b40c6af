import type { Costs } from '../costs/index.js';
import type { Plan } from '../plan.js';
import { RUNTIME_TRAITS } from '../runtimes.js';
import { batchTime, type ClosedNetwork } from './queueing.js';
import { nativeThreadsPerTask } from './sizing.js';
import type { Work } from '../work.js';

/** The per-MB costs are per MiB (2^20 bytes), the unit python/calibrate.py measures in. */
export const BYTES_PER_MB = 1 << 20;

/** What limits a plan: the resource whose total demand sets the wall time. */
export const BOTTLENECKS = ['serial', 'workers', 'cores', 'gil', 'event-loop', 'dispatcher', 'shared-state'] as const;
export type Bottleneck = (typeof BOTTLENECKS)[number];

export interface Prediction {
  wallMs: number;
  startupMs: number;
  bottleneck: Bottleneck;
  /** Busy time of the bottleneck resource, start-up excluded. */
  bottleneckMs: number;
  /** Wall time of one task inside the plan, overheads included. */
  taskLatencyMs: number;
  /** Serialising one task's payload across the process boundary, both sides. */
  payloadMsPerTask: number;
  /** Threads that want a core at once, averaged over the run. */
  runnableThreads: number;
}

interface Bound {
  bottleneck: Bottleneck;
  busyMs: number;
  /** The part of one task that cannot overlap the bottleneck at the end of the run (pipeline drain). */
  drainMs: number;
}

function slowest(bounds: Bound[]): Bound {
  return bounds.reduce((a, b) => (b.busyMs + b.drainMs > a.busyMs + a.drainMs ? b : a));
}

/** Runnable threads beyond the cores share them and pay for switching. */
function oversubscriptionFactor(runnable: number, cores: number, costs: Costs): number {
  return 1 + costs.oversubscriptionPenalty * Math.max(0, runnable / cores - 1);
}

function finish(bounds: Bound[], startupMs: number, extra: Omit<Prediction, 'wallMs' | 'startupMs' | 'bottleneck' | 'bottleneckMs'>): Prediction {
  const limit = slowest(bounds);
  return {
    wallMs: startupMs + limit.busyMs + limit.drainMs,
    startupMs,
    bottleneck: limit.bottleneck,
    bottleneckMs: limit.busyMs,
    ...extra,
  };
}

function predictSequential(work: Work): Prediction {
  const taskMs = work.cpuMs / Math.min(work.threadsPerTask, work.cores) + work.waitMs;
  return {
    wallMs: work.tasks * taskMs,
    startupMs: 0,
    bottleneck: 'serial',
    bottleneckMs: work.tasks * taskMs,
    taskLatencyMs: taskMs,
    payloadMsPerTask: 0,
    runnableThreads: Math.min(work.threadsPerTask, work.cores),
  };
}

/** All CPU on the one event-loop thread (the serial station); waits overlap up to the concurrency. */
function predictAsync(work: Work, plan: Plan, costs: Costs): Prediction {
  const { tasks, cpuMs, waitMs } = work;
  const inFlight = Math.min(plan.threadsPerProcess, work.maxConcurrency, tasks);
  const loopMs = cpuMs + costs.asyncDispatchMs;
  const net: ClosedNetwork = {
    serialMs: loopMs,
    serialStations: 1,
    parallelMs: 0,
    servers: 1,
    delayMs: waitMs,
    wakeDelayMs: 0,
  };
  return finish(
    [
      { bottleneck: 'workers', busyMs: batchTime(net, tasks, inFlight), drainMs: 0 },
      { bottleneck: 'event-loop', busyMs: tasks * loopMs, drainMs: waitMs },
    ],
    0,
    { taskLatencyMs: loopMs + waitMs, payloadMsPerTask: 0, runnableThreads: 1 },
  );
}

/**
 * Pools: `processes` workers (1 for threads, the main process being the pool), each with
 * `threadsPerProcess` threads. Work crosses a process boundary only when the model uses processes.
 * Each process is a closed queueing network (its threads cycling through its GIL, its share of the
 * cores and their waits); the machine-wide cores, the dispatcher and a shared-state server bound the rest.
 */
function predictPool(work: Work, plan: Plan, costs: Costs): Prediction {
  const { tasks, cpuMs, waitMs, cores } = work;
  const crossesProcesses = plan.model === 'processes' || plan.model === 'hybrid';
  const threaded = plan.model === 'threads' || plan.model === 'hybrid';
  const processes = crossesProcesses ? plan.processes : 1;
  const threads = threaded ? plan.threadsPerProcess : 1;
  const slots = Math.min(processes * threads, work.maxConcurrency, tasks);
  const threadsPerProcess = Math.max(1, Math.min(threads, Math.floor(slots / processes)));
  const nativeThreads = nativeThreadsPerTask(work, slots);
  const computeMs = cpuMs / nativeThreads;
  const payloadMb = work.payloadBytes / BYTES_PER_MB;

  // Per task, on the dispatcher (the main thread or parent process) and inside the worker.
  const dispatcherMs = crossesProcesses
    ? costs.processItemMs + payloadMb * costs.serializeMsPerMB
    : costs.threadDispatchMs + payloadMb * costs.threadSerializeMsPerMB;
  const workerSideMs =
    (crossesProcesses ? costs.processItemMs + payloadMb * costs.deserializeMsPerMB : 0) +
    (plan.model === 'hybrid' ? costs.threadDispatchMs : 0);
  const sharedSyncMs = crossesProcesses && work.sharedState === 'read-write' ? costs.sharedStateSyncMs : 0;
  const latency = computeMs + waitMs + workerSideMs + sharedSyncMs;

  const hasGil = RUNTIME_TRAITS[work.runtime].hasGil;
  const gilBound = hasGil && threaded;
  // In a thread pool the main thread's dispatch holds the same GIL as the workers.
  const gilHeldMs = gilBound
    ? cpuMs * (1 - work.gilReleasedShare) + (plan.model === 'threads' ? costs.threadDispatchMs : 0)
    : 0;
  const parallelMs = (gilBound ? cpuMs * work.gilReleasedShare : cpuMs) / nativeThreads + workerSideMs;
  const net: ClosedNetwork = {
    serialMs: gilHeldMs,
    serialStations: processes,
    parallelMs,
    servers: cores / nativeThreads,
    delayMs: waitMs + sharedSyncMs,
    wakeDelayMs: gilBound ? costs.gilSwitchIntervalMs : 0,
  };

  const chunkSize = crossesProcesses ? Math.min(plan.chunkSize, tasks) : tasks;
  const chunks = Math.ceil(tasks / chunkSize);
  const messageMs = crossesProcesses ? costs.processDispatchMs : 0;
  // Every process runs a chunk at once; within a chunk its threads take the tasks.
  const timeOfChunk = (size: number) => batchTime(net, size, threadsPerProcess, Math.min(processes, chunks)) + messageMs;
  const chunkMs = timeOfChunk(chunkSize);
  const threadsToStart = threaded ? Math.min(threadsPerProcess, chunkSize) : 0;
  const startsAtOnce = RUNTIME_TRAITS[work.runtime].threadsStartInParallel ? Math.max(1, Math.floor(cores / processes)) : 1;
  const threadStartsMs = Math.ceil(threadsToStart / startsAtOnce) * costs.threadStartMs;
  // Chunks go to whichever process is free: the busiest takes ceil(chunks / processes) of them, and the
  // short last chunk too when it is the only one over an even share.
  const lastChunk = tasks - (chunks - 1) * chunkSize;
  const busiestLastChunk = chunks % processes === 1 ? lastChunk : chunkSize;
  const workersBusyMs = crossesProcesses
    ? (Math.ceil(chunks / processes) - 1) * chunkMs +
      timeOfChunk(busiestLastChunk) +
      (plan.model === 'hybrid' ? threadStartsMs : 0)
    : chunkMs;

  const computingShare = latency > 0 ? computeMs / latency : 0;
  let runnable = slots * nativeThreads * computingShare;
  if (gilBound) {
    // Under a GIL only the released share of the other threads' CPU can run beside the holder.
    const perProcessRunnable = runnable / processes;
    runnable = processes * Math.min(perProcessRunnable, 1 + perProcessRunnable * work.gilReleasedShare);
  }
  const cpuTotalMs = tasks * (cpuMs + dispatcherMs + workerSideMs);
  const usableCores = Math.min(cores, slots * nativeThreads + (crossesProcesses ? 1 : 0));

  const bounds: Bound[] = [
    { bottleneck: gilBound && gilHeldMs >= parallelMs ? 'gil' : 'workers', busyMs: workersBusyMs, drainMs: 0 },
    {
      bottleneck: 'cores',
      busyMs: (cpuTotalMs / usableCores) * oversubscriptionFactor(runnable, cores, costs),
      drainMs: latency - computeMs,
    },
    {
      bottleneck: 'dispatcher',
      // Thread pools start their threads lazily, one per submitted task: on the dispatching thread, or
      // (Node) side by side, one per core.
      busyMs: chunks * messageMs + tasks * dispatcherMs + (plan.model === 'threads' ? threadStartsMs : 0),
      drainMs: crossesProcesses ? chunkMs : latency,
    },
  ];
  if (sharedSyncMs > 0) {
    // One state server answers every process in turn.
    bounds.push({ bottleneck: 'shared-state', busyMs: tasks * sharedSyncMs, drainMs: latency - sharedSyncMs });
  }

  const startupMs = crossesProcesses ? costs.processPoolStartMs + processes * costs.processStartMs : 0;
  return finish(bounds, startupMs, {
    taskLatencyMs: latency,
    payloadMsPerTask: crossesProcesses ? payloadMb * (costs.serializeMsPerMB + costs.deserializeMsPerMB) : 0,
    runnableThreads: runnable,
  });
}

/** Predicted wall time of running the whole batch on `plan`, pool start-up and shutdown included. */
export function predict(work: Work, plan: Plan, costs: Costs): Prediction {
  switch (plan.model) {
    case 'sequential':
      return predictSequential(work);
    case 'async':
      return predictAsync(work, plan, costs);
    default:
      return predictPool(work, plan, costs);
  }
}
