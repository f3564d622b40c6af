import type { Costs } from '../costs/index.js';
import { handsCpuToThreads, type Plan } from '../plan.js';
import { RUNTIME_TRAITS } from '../runtimes.js';
import { batchTime, batchTimeAtLeast, solve, type ClosedNetwork, type ResponseTimes } from './queueing.js';
import { nativeThreadsPerTask, ownTaskMs } from './sizing.js';
import { computeWallMs, type Work } from '../work.js';

/** The per-MB costs are per MiB (2^20 bytes), the unit python/calibrate.py measures in. */
export const BYTES_PER_MB = 1 << 20;

/** Most tasks a plan holds in flight at once: its workers, within the batch and the downstream's limit. */
export function tasksInFlight(plan: Plan, work: Pick<Work, 'tasks' | 'maxConcurrency'>): number {
  return Math.max(1, Math.min(plan.processes * plan.threadsPerProcess, work.tasks, work.maxConcurrency));
}

/**
 * The threads that run the tasks' CPU where an event loop hands it to a pool (async+threads): one per core at
 * most, and no more than the tasks in flight; undefined for every other plan, whose threadsPerProcess says.
 */
export function cpuThreadsOf(plan: Plan, work: Pick<Work, 'tasks' | 'maxConcurrency' | 'cores'>): number | undefined {
  return handsCpuToThreads(plan) ? Math.min(work.cores, tasksInFlight(plan, work)) : undefined;
}

/** What limits a plan: the resource whose total demand sets the wall time. */
export const BOTTLENECKS = [
  'serial',
  'workers',
  'cores',
  'gil',
  'event-loop',
  'dispatcher',
  'shared-state',
  'concurrency-limit',
  'rate-limit',
] as const;
export type Bottleneck = (typeof BOTTLENECKS)[number];

export interface Prediction {
  wallMs: number;
  startupMs: number;
  bottleneck: Bottleneck;
  /** Busy time of the bottleneck resource, start-up excluded. */
  bottleneckMs: number;
  /** What of the last task comes after the bottleneck's busy time: its waits, after its turn at a GIL or loop. */
  bottleneckDrainMs: number;
  /**
   * How long each process's serial station is held over the run: its GIL (GIL-held CPU and, in a thread
   * pool, dispatch) or its event loop (all of a task's CPU); 0 where there is none.
   */
  serialBusyMs: number;
  /** Of what one task holds the serial station, its own CPU; the rest is the hand-off to a thread or the loop's overhead. */
  serialCpuMsPerTask: number;
  /** Tasks the busiest process runs: all of them in the caller's process, else its chunks. */
  busiestProcessTasks: number;
  /** Wall time of one task inside the plan, overheads included. */
  taskLatencyMs: number;
  /** Serialising one task's payload across the process boundary, both sides. */
  payloadMsPerTask: number;
  /** CPU time of the whole batch, overheads included, and the cores it can spread over. */
  cpuTotalMs: number;
  coresUsed: number;
  /** Threads that want a core at once, averaged over the run. */
  runnableThreads: number;
}

interface Bound {
  bottleneck: Bottleneck;
  busyMs: number;
  /** The part of one task that cannot overlap the bottleneck at the end of the run (pipeline drain). */
  drainMs: number;
}

/** A station this busy over the run, against the time its workers are busy, is what limits them. */
const SATURATED = 0.8;

function limitMs(bound: Bound): number {
  return bound.busyMs + bound.drainMs;
}

/** A plan's bounds in the order a tie is named by: the first always applies, another is undefined where it does not. */
type Bounds = readonly [Bound, ...Array<Bound | undefined>];

/** The first of the bounds that set the wall time. */
function slowest(bounds: Bounds): Bound {
  let limit = bounds[0];
  for (const bound of bounds) if (bound && limitMs(bound) > limitMs(limit)) limit = bound;
  return limit;
}

/** Runnable threads beyond the cores share them and pay for switching. */
function oversubscriptionFactor(runnable: number, cores: number, costs: Costs): number {
  return 1 + costs.oversubscriptionPenalty * Math.max(0, runnable / cores - 1);
}

/**
 * A token bucket admits one task per 1 / rate seconds after the first, shared by every worker; the last
 * admitted task still runs to its end. No bound without a rate limit.
 */
function rateBound(work: Work, latencyMs: number): Bound | undefined {
  if (!Number.isFinite(work.maxRatePerSecond)) return undefined;
  return { bottleneck: 'rate-limit', busyMs: rateBusyMs(work), drainMs: latencyMs };
}

function rateBusyMs(work: Work): number {
  return ((work.tasks - 1) / work.maxRatePerSecond) * 1000;
}

/**
 * Bounds within this share of the slowest tie for the wall time; the one busy longest is named. Otherwise a
 * dispatcher busy 0.2 ms would be named the limit of two 60 s tasks, for the chunk it waits on at the end.
 */
const TIED_BOUND_SHARE = 0.05;

function finish(
  bounds: Bounds,
  startupMs: number,
  extra: Omit<Prediction, 'wallMs' | 'startupMs' | 'bottleneck' | 'bottleneckMs' | 'bottleneckDrainMs'>,
): Prediction {
  const limit = slowest(bounds);
  const wallOfLimitMs = limitMs(limit);
  // Of the bounds tied for the limit, the one busy longest (the first of equals); the limit itself where it
  // bears the same name (a loop's own busy time and the workers' time it fills), as its figures add up to the
  // wall. The slowest is tied with itself, so one is found unless its figure is NaN.
  let named: Bound | undefined;
  for (const bound of bounds) {
    if (bound && limitMs(bound) >= wallOfLimitMs * (1 - TIED_BOUND_SHARE) && (!named || bound.busyMs > named.busyMs)) named = bound;
  }
  if (!named || named.bottleneck === limit.bottleneck) named = limit;
  return {
    wallMs: startupMs + wallOfLimitMs,
    startupMs,
    bottleneck: named.bottleneck,
    bottleneckMs: named.busyMs,
    bottleneckDrainMs: named.drainMs,
    serialBusyMs: extra.serialBusyMs,
    serialCpuMsPerTask: extra.serialCpuMsPerTask,
    busiestProcessTasks: extra.busiestProcessTasks,
    taskLatencyMs: extra.taskLatencyMs,
    payloadMsPerTask: extra.payloadMsPerTask,
    cpuTotalMs: extra.cpuTotalMs,
    coresUsed: extra.coresUsed,
    runnableThreads: extra.runnableThreads,
  };
}

function predictSequential(work: Work): Prediction {
  const taskMs = ownTaskMs(work);
  return finish([{ bottleneck: 'serial', busyMs: work.tasks * taskMs, drainMs: 0 }, rateBound(work, taskMs)], 0, {
    serialBusyMs: 0,
    serialCpuMsPerTask: 0,
    busiestProcessTasks: work.tasks,
    taskLatencyMs: taskMs,
    payloadMsPerTask: 0,
    cpuTotalMs: work.tasks * work.cpuMs,
    coresUsed: Math.min(work.threadsPerTask, work.cores),
    runnableThreads: Math.min(work.threadsPerTask, work.cores),
  });
}

/**
 * What the dispatcher (the main thread or the parent process) spends handing out one task, whatever its
 * payload, and its chunk's message aside: a process pool packs each task; a thread pool posts it (and an
 * event loop that hands each task's CPU to it schedules the task too). An event loop in the caller's process
 * is its own dispatcher: what it spends per task is asyncDispatchMs, on the loop, and counted there.
 */
export function handOffMsPerTask(plan: Plan, costs: Costs): number {
  if (plan.model === 'processes' || plan.model === 'hybrid') return costs.processItemMs;
  if (plan.model === 'threads') return costs.threadDispatchMs;
  if (handsCpuToThreads(plan)) return costs.threadDispatchMs + costs.asyncDispatchMs;
  return 0;
}

/**
 * What the dispatcher spends serialising one task's payload for the worker it hands the task to: pickled or
 * V8-serialised for a process, cloned for a thread.
 */
export function payloadSendMs(work: Work, plan: Plan, costs: Costs): number {
  const payloadMb = work.payloadBytes / BYTES_PER_MB;
  return payloadMb * (plan.model === 'processes' || plan.model === 'hybrid' ? costs.serializeMsPerMB : costs.threadSerializeMsPerMB);
}

/** The dispatcher's time per task: its hand-off, and serialising the payload where it crosses to a worker. */
function dispatcherMsPerTask(work: Work, plan: Plan, costs: Costs): number {
  const handOffMs = handOffMsPerTask(plan, costs);
  return handOffMs === 0 ? 0 : handOffMs + payloadSendMs(work, plan, costs);
}

/**
 * Every other plan: `processes` workers (1 when the model does not cross processes, the caller being the
 * pool), each running `threadsPerProcess` tasks at once on a thread pool or an event loop (`inner`).
 * Work crosses a process boundary only for processes and hybrid. Each process is a closed queueing
 * network: its tasks cycle through a serial station (its GIL, held by the GIL-held CPU; or its event
 * loop, held by all of a task's CPU), its share of the cores and their waits; the machine-wide cores, the
 * dispatcher, a shared-state server and the downstream's rate bound the rest.
 *
 * The floor is worked out in the constructor from numbers alone, and the bounds and the network are built
 * only for the few sizings that are predicted: a profile weighs about sixty sizings and solves a fifth of them.
 */
class PoolCost implements PlanCost {
  readonly floorMs: number;
  readonly #work: Work;
  readonly #net: ClosedNetwork;
  readonly #crossesProcesses: boolean;
  readonly #hybrid: boolean;
  readonly #loop: boolean;
  readonly #processes: number;
  readonly #slots: number;
  readonly #slotsPerProcess: number;
  readonly #chunkSize: number;
  readonly #chunks: number;
  readonly #busiestLastChunk: number;
  readonly #messageMs: number;
  readonly #threadStartsMs: number;
  readonly #latency: number;
  readonly #serialCpuMs: number;
  readonly #serialBusyMs: number;
  readonly #waitsMs: number;
  readonly #coresBusyMs: number;
  readonly #dispatcherBusyMs: number;
  readonly #sharedSyncMs: number;
  readonly #startupMs: number;
  readonly #payloadMsPerTask: number;
  readonly #cpuTotalMs: number;
  readonly #usableCores: number;
  readonly #runnable: number;

  constructor(work: Work, plan: Plan, costs: Costs) {
    const { tasks, cpuMs, waitMs, cores } = work;
    const crossesProcesses = plan.model === 'processes' || plan.model === 'hybrid';
    const inner = plan.model === 'processes' ? undefined : (plan.inner ?? (plan.model === 'async' ? 'async' : 'threads'));
    // An event loop that runs every task's CPU itself; or one that awaits the waits and hands each task's CPU to
    // a pool of one thread per core (asyncio.to_thread, a small piscina pool: cpuThreadsOf), which then computes
    // like threads.
    const loop = inner === 'async';
    const threaded = inner === 'threads';
    const processes = crossesProcesses ? plan.processes : 1;
    const perProcess = inner ? plan.threadsPerProcess : 1;
    const slots = Math.min(processes * perProcess, work.maxConcurrency, tasks);
    const slotsPerProcess = Math.max(1, Math.min(perProcess, Math.floor(slots / processes)));
    const poolThreads = cpuThreadsOf(plan, work) ?? slotsPerProcess;
    // An event loop computes one task at a time, so only one task per process keeps native threads busy.
    const nativeThreads = nativeThreadsPerTask(work, loop ? processes : processes * poolThreads);
    const computeMs = computeWallMs(work, nativeThreads);
    const payloadMb = work.payloadBytes / BYTES_PER_MB;

    // Per task, on the dispatcher (the main thread or parent process) and inside the worker.
    const dispatcherMs = dispatcherMsPerTask(work, plan, costs);
    const innerDispatchMs = loop ? costs.asyncDispatchMs : plan.model === 'hybrid' ? costs.threadDispatchMs : 0;
    const workerSideMs =
      (crossesProcesses ? costs.processItemMs + payloadMb * costs.deserializeMsPerMB : 0) + innerDispatchMs;
    const sharedSyncMs = crossesProcesses && work.sharedState === 'read-write' ? costs.sharedStateSyncMs : 0;
    const latency = computeMs + waitMs + workerSideMs + sharedSyncMs;

    const gilBound = RUNTIME_TRAITS[work.runtime].hasGil && threaded;
    // The serial station: an event loop runs all of a task's CPU; a GIL the GIL-held share and, in a thread
    // pool, the main thread's dispatch.
    const serialCpuMs = loop ? computeMs : gilBound ? cpuMs * (1 - work.gilReleasedShare) : 0;
    const serialMs = loop ? serialCpuMs + workerSideMs : gilBound ? serialCpuMs + (crossesProcesses ? 0 : dispatcherMs) : 0;
    const parallelMs = loop ? 0 : (gilBound ? (cpuMs * work.gilReleasedShare) / nativeThreads : computeMs) + workerSideMs;
    const net: ClosedNetwork = {
      serialMs,
      serialStations: processes,
      parallelMs,
      // Tasks computing at once: a worker each, within the cores their native threads share.
      servers: Math.min(cores / nativeThreads, processes * poolThreads),
      delayMs: waitMs + sharedSyncMs,
      wakeDelayMs: gilBound ? costs.gilSwitchIntervalMs : 0,
    };

    const chunkSize = crossesProcesses ? Math.min(plan.chunkSize, tasks) : tasks;
    const chunks = Math.ceil(tasks / chunkSize);
    const threadsToStart = threaded ? Math.min(poolThreads, chunkSize) : 0;
    const startsAtOnce = RUNTIME_TRAITS[work.runtime].threadsStartInParallel ? Math.max(1, Math.floor(cores / processes)) : 1;
    // Chunks go to whichever process is free: the busiest takes ceil(chunks / processes) of them, and the
    // short last chunk too when it is the only one over an even share.
    const lastChunk = tasks - (chunks - 1) * chunkSize;

    const computingShare = latency > 0 ? computeMs / latency : 0;
    let runnable = loop
      ? processes * Math.min(1, slotsPerProcess * computingShare) * nativeThreads
      : Math.min(slots * computingShare, processes * poolThreads) * nativeThreads;
    if (gilBound) {
      // Under a GIL only the released share of the other threads' CPU can run beside the holder.
      const perProcessRunnable = runnable / processes;
      runnable = processes * Math.min(perProcessRunnable, 1 + perProcessRunnable * work.gilReleasedShare);
    }
    const cpuTotalMs = tasks * (cpuMs + dispatcherMs + workerSideMs);
    const computingAtOnce = loop ? processes : Math.min(slots, processes * poolThreads);
    const usableCores = Math.min(cores, computingAtOnce * nativeThreads + (crossesProcesses ? 1 : 0));

    this.#work = work;
    this.#net = net;
    this.#crossesProcesses = crossesProcesses;
    this.#hybrid = plan.model === 'hybrid';
    this.#loop = loop;
    this.#processes = processes;
    this.#slots = slots;
    this.#slotsPerProcess = slotsPerProcess;
    this.#chunkSize = chunkSize;
    this.#chunks = chunks;
    this.#busiestLastChunk = chunks % processes === 1 ? lastChunk : chunkSize;
    this.#messageMs = crossesProcesses ? costs.processDispatchMs : 0;
    this.#threadStartsMs = Math.ceil(threadsToStart / startsAtOnce) * costs.threadStartMs;
    this.#latency = latency;
    this.#serialCpuMs = serialCpuMs;
    // How long each process's GIL or event loop is held over the run.
    this.#serialBusyMs = (tasks / processes) * serialMs;
    // What of the last task cannot overlap the CPU at the end of the run: its waits.
    this.#waitsMs = waitMs + sharedSyncMs;
    this.#coresBusyMs = (cpuTotalMs / usableCores) * oversubscriptionFactor(runnable, cores, costs);
    // Thread pools start their threads lazily, one per submitted task: on the dispatching thread, or (Node)
    // side by side, one per core. A process pool's dispatcher waits on the last chunk at the end.
    this.#dispatcherBusyMs = chunks * this.#messageMs + tasks * dispatcherMs + (crossesProcesses ? 0 : this.#threadStartsMs);
    this.#sharedSyncMs = sharedSyncMs;
    this.#startupMs = crossesProcesses ? costs.processPoolStartMs + processes * costs.processStartMs : 0;
    this.#payloadMsPerTask = crossesProcesses ? payloadMb * (costs.serializeMsPerMB + costs.deserializeMsPerMB) : 0;
    this.#cpuTotalMs = cpuTotalMs;
    this.#usableCores = usableCores;
    this.#runnable = runnable;

    // The floor: every bound as the prediction has it, the workers' with no task queued.
    const chunkMs = this.#chunkMs(undefined, chunkSize);
    this.floorMs = this.#startupMs + Math.max(this.#workersBusyMs(chunkMs, this.#chunkMs(undefined, this.#busiestLastChunk)), this.#slowestOtherMs(chunkMs));
  }

  /**
   * One chunk on one process, its message included: its tasks' time solved (`times`), or their floor with no
   * task queued. Every process runs a chunk at once; within a chunk its threads (or its loop) take the tasks.
   */
  #chunkMs(times: ResponseTimes | undefined, size: number): number {
    const batchMs = times
      ? batchTime(times, size, this.#slotsPerProcess, Math.min(this.#processes, this.#chunks))
      : batchTimeAtLeast(this.#net, size, this.#slotsPerProcess);
    return batchMs + this.#messageMs;
  }

  /**
   * The busiest process's time, from a chunk's and its last chunk's. A pool in the caller's process starts its
   * threads one per submitted task, so they begin threadStartsMs apart end to end and the tasks keep that
   * stagger: on average each thread starts half of it late (200 sleeps of 20 ms on 100 threads: 68.5 ms
   * measured where 2 rounds of 20 ms and no start-up predicted 45 ms).
   */
  #workersBusyMs(chunkMs: number, lastChunkMs: number): number {
    return this.#crossesProcesses
      ? (Math.ceil(this.#chunks / this.#processes) - 1) * chunkMs + lastChunkMs + (this.#hybrid ? this.#threadStartsMs : 0)
      : chunkMs + this.#threadStartsMs / 2;
  }

  /**
   * The bounds beside the workers', in the order a tie is named by; undefined where one does not apply. The
   * queueing inside the workers does not move them, so the floor and the prediction share them. A process's
   * GIL or event loop serves its tasks one after another, and the last one still waits after its turn: a batch
   * of one round is not the steady state the queueing network solves.
   */
  #otherBounds(chunkMs: number): Array<Bound | undefined> {
    const work = this.#work;
    return [
      this.#net.serialMs > 0 ? { bottleneck: this.#loop ? 'event-loop' : 'gil', busyMs: this.#serialBusyMs, drainMs: this.#waitsMs } : undefined,
      { bottleneck: 'cores', busyMs: this.#coresBusyMs, drainMs: this.#waitsMs },
      { bottleneck: 'dispatcher', busyMs: this.#dispatcherBusyMs, drainMs: this.#crossesProcesses ? chunkMs : this.#latency },
      rateBound(work, this.#latency),
      // One state server answers every process in turn.
      this.#sharedSyncMs > 0 ? { bottleneck: 'shared-state', busyMs: work.tasks * this.#sharedSyncMs, drainMs: this.#latency - this.#sharedSyncMs } : undefined,
    ];
  }

  /**
   * The slowest limit of #otherBounds, in the same figures, without building them: every sizing weighed needs
   * its floor, and objects per sizing cost more than its arithmetic (a floor 0.63-0.67 of the time it took
   * when built from the bounds).
   */
  #slowestOtherMs(chunkMs: number): number {
    const work = this.#work;
    let slowestMs = this.#coresBusyMs + this.#waitsMs;
    if (this.#net.serialMs > 0) slowestMs = Math.max(slowestMs, this.#serialBusyMs + this.#waitsMs);
    slowestMs = Math.max(slowestMs, this.#dispatcherBusyMs + (this.#crossesProcesses ? chunkMs : this.#latency));
    if (Number.isFinite(work.maxRatePerSecond)) slowestMs = Math.max(slowestMs, rateBusyMs(work) + this.#latency);
    if (this.#sharedSyncMs > 0) slowestMs = Math.max(slowestMs, work.tasks * this.#sharedSyncMs + (this.#latency - this.#sharedSyncMs));
    return slowestMs;
  }

  predict(): Prediction {
    const work = this.#work;
    const times = solve(this.#net);
    const chunkMs = this.#chunkMs(times, this.#chunkSize);
    const workersBusyMs = this.#workersBusyMs(chunkMs, this.#chunkMs(times, this.#busiestLastChunk));
    // The workers are limited by their serial station when it is busy most of their time, else by how many
    // tasks they hold at once: the downstream's limit when it is what caps them. A GIL with one thread per
    // process never makes it wait, so there the tasks in flight are the limit; a loop runs all CPU either way.
    const workersBottleneck: Bottleneck =
      (this.#loop || this.#slotsPerProcess > 1) && this.#net.serialMs > 0 && this.#serialBusyMs >= SATURATED * workersBusyMs
        ? this.#loop
          ? 'event-loop'
          : 'gil'
        : this.#slots === work.maxConcurrency && this.#slots < work.tasks
          ? 'concurrency-limit'
          : 'workers';
    return finish([{ bottleneck: workersBottleneck, busyMs: workersBusyMs, drainMs: 0 }, ...this.#otherBounds(chunkMs)], this.#startupMs, {
      serialBusyMs: this.#serialBusyMs,
      serialCpuMsPerTask: this.#serialCpuMs,
      busiestProcessTasks: (Math.ceil(this.#chunks / this.#processes) - 1) * this.#chunkSize + this.#busiestLastChunk,
      taskLatencyMs: this.#latency,
      payloadMsPerTask: this.#payloadMsPerTask,
      cpuTotalMs: this.#cpuTotalMs,
      coresUsed: this.#usableCores,
      runnableThreads: this.#runnable,
    });
  }
}

/**
 * A plan's prediction, and a floor under its wall time that costs no queueing solution: every bound as
 * the prediction has it but the workers', which is taken with no task queued. Weighing many sizings, the
 * ones whose floor cannot win are passed over unsolved.
 */
export interface PlanCost {
  readonly floorMs: number;
  predict(): Prediction;
}

class SequentialCost implements PlanCost {
  readonly floorMs: number;
  readonly #prediction: Prediction;

  constructor(work: Work) {
    this.#prediction = predictSequential(work);
    this.floorMs = this.#prediction.wallMs;
  }

  predict(): Prediction {
    return this.#prediction;
  }
}

export function planCost(work: Work, plan: Plan, costs: Costs): PlanCost {
  return plan.model === 'sequential' ? new SequentialCost(work) : new PoolCost(work, plan, costs);
}

/** Predicted wall time of running the whole batch on `plan`, pool start-up and shutdown included. */
export function predict(work: Work, plan: Plan, costs: Costs): Prediction {
  return planCost(work, plan, costs).predict();
}
