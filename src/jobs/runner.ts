import { cpuUsage } from 'node:process';
import type { Plan } from '../advisor/plan.js';
import { DISPATCH_AHEAD_PER_WORKER, GIL_SWITCH_INTERVAL_MS } from './defaults.js';
import { createGilMemory } from './gil.js';
import type { PoolRegistry, PoolShape, SamplePool } from './pools.js';
import type { ChunkMessage, ChunkReply, CrashMode, EventLoopBatch, EventLoopReply, SampleTaskResult, SampleTaskSpec } from './protocol.js';

/** The work of one sample job, independent of the pool it runs on. */
export interface SampleWork {
  tasks: number;
  cpuMsPerTask: number;
  waitMsPerTask: number;
  payloadBytesPerTask: number;
  gilReleasedShare: number;
  gil: boolean;
  crash?: { atTask: number; how: CrashMode };
}

export interface Measured {
  wallMs: number;
  startupMs: number;
  cpuMs: number;
  taskMs: number[];
}

/** Tasks finished so far, for a reply that says how far a cancelled job got. */
export interface Progress {
  done: number;
}

/** The pool a plan runs on. */
function poolShapeOf(plan: Plan): PoolShape {
  switch (plan.model) {
    case 'sequential':
    case 'async':
      return { kind: 'event-loop', processes: 1, threadsPerProcess: 1 };
    case 'threads':
      return { kind: 'threads', processes: 1, threadsPerProcess: plan.threadsPerProcess };
    case 'processes':
      return { kind: 'processes', processes: plan.processes, threadsPerProcess: 1 };
    case 'hybrid':
      return { kind: 'hybrid', processes: plan.processes, threadsPerProcess: plan.threadsPerProcess };
  }
}

/** payloadBytesPerTask counts both ways: half travels to the task, the rest comes back. */
function sendBytesOf(work: SampleWork): number {
  return Math.ceil(work.payloadBytesPerTask / 2);
}

function specOf(work: SampleWork, iterationsPerMs: number): SampleTaskSpec {
  return {
    cpuIterations: Math.round(work.cpuMsPerTask * iterationsPerMs),
    waitMs: work.waitMsPerTask,
    returnBytes: work.payloadBytesPerTask - sendBytesOf(work),
    gilHeldShare: 1 - work.gilReleasedShare,
    sliceIterations: Math.max(1, Math.round(GIL_SWITCH_INTERVAL_MS * iterationsPerMs)),
  };
}

/**
 * Runs `count` units with at most `inFlight` handed to the pool at once, so a big job neither floods the
 * pool's queue nor holds every payload in memory. After a failure nothing new is sent; the first error wins.
 */
async function dispatch(count: number, inFlight: number, runOne: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  async function lane(): Promise<void> {
    while (next < count && !failure) {
      const index = next++;
      try {
        await runOne(index);
      } catch (error) {
        failure ??= { error };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(count, inFlight) }, lane));
  if (failure) throw failure.error;
}

async function onEventLoop(pool: SamplePool, plan: Plan, work: SampleWork, iterationsPerMs: number, signal: AbortSignal, progress: Progress) {
  const batch: EventLoopBatch = {
    tasks: work.tasks,
    concurrency: plan.model === 'sequential' ? 1 : plan.threadsPerProcess,
    cpuIterations: specOf(work, iterationsPerMs).cpuIterations,
    waitMs: work.waitMsPerTask,
    ...(work.crash ? { crash: work.crash } : {}),
  };
  const reply = await pool.run<EventLoopReply>(batch, { signal });
  progress.done += work.tasks;
  return { taskMs: reply.taskMs, childCpuMs: 0 };
}

async function onThreads(pool: SamplePool, work: SampleWork, iterationsPerMs: number, signal: AbortSignal, progress: Progress) {
  // One emulated GIL for the server process's threads, fresh per job so a cancelled job cannot leave it held.
  const spec: SampleTaskSpec = {
    ...specOf(work, iterationsPerMs),
    payload: new Uint8Array(sendBytesOf(work)),
    ...(work.gil ? { gil: createGilMemory() } : {}),
  };
  const taskMs: number[] = [];
  // Each task's payload is structured-cloned into the thread, as an object handed to a worker is.
  await dispatch(work.tasks, pool.size * DISPATCH_AHEAD_PER_WORKER, async (index) => {
    const task = work.crash?.atTask === index ? { ...spec, crash: work.crash.how } : spec;
    const result = await pool.run<SampleTaskResult>(task, { signal });
    taskMs.push(result.ms);
    progress.done++;
  });
  return { taskMs, childCpuMs: 0 };
}

async function onProcesses(pool: SamplePool, plan: Plan, work: SampleWork, iterationsPerMs: number, signal: AbortSignal, progress: Progress) {
  const spec = specOf(work, iterationsPerMs);
  const sendBytes = sendBytesOf(work);
  const chunks = Math.ceil(work.tasks / plan.chunkSize);
  const taskMs: number[] = [];
  let childCpuMs = 0;
  await dispatch(chunks, pool.shape.processes * DISPATCH_AHEAD_PER_WORKER, async (index) => {
    const size = Math.min(plan.chunkSize, work.tasks - index * plan.chunkSize);
    const message: ChunkMessage = {
      // A buffer per task: V8's serialiser would send one shared buffer once, hiding the payload's cost.
      specs: Array.from({ length: size }, (_, offset) => ({
        ...spec,
        payload: new Uint8Array(sendBytes),
        ...(work.crash?.atTask === index * plan.chunkSize + offset ? { crash: work.crash.how } : {}),
      })),
      threads: pool.shape.threadsPerProcess,
      gil: work.gil && plan.model === 'hybrid',
    };
    const reply = await pool.run<ChunkReply>(message, { signal });
    for (const result of reply.results) taskMs.push(result.ms);
    childCpuMs += reply.cpuMs;
    progress.done += size;
  });
  return { taskMs, childCpuMs };
}

/** Runs the sample on a started pool for the plan, timing only the run itself. */
export async function measureRun(
  registry: PoolRegistry,
  plan: Plan,
  work: SampleWork,
  iterationsPerMs: number,
  signal: AbortSignal,
  progress: Progress = { done: 0 },
): Promise<Measured> {
  const { pool, startupMs } = await registry.acquire(poolShapeOf(plan));
  signal.throwIfAborted();
  const cpuBefore = cpuUsage();
  const started = performance.now();
  const { taskMs, childCpuMs } =
    pool.shape.kind === 'event-loop'
      ? await onEventLoop(pool, plan, work, iterationsPerMs, signal, progress)
      : pool.shape.kind === 'threads'
        ? await onThreads(pool, work, iterationsPerMs, signal, progress)
        : await onProcesses(pool, plan, work, iterationsPerMs, signal, progress);
  const wallMs = performance.now() - started;
  const cpu = cpuUsage(cpuBefore);
  return { wallMs, startupMs, cpuMs: (cpu.user + cpu.system) / 1000 + childCpuMs, taskMs };
}
