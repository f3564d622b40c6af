import { setPriority } from 'node:os';
import { cpuUsage } from 'node:process';
import { Piscina } from 'piscina';
import { warmUpBurn } from '../src/jobs/burn.js';
import { WORKER_NICENESS } from '../src/jobs/defaults.js';
import { createGilMemory } from '../src/jobs/gil.js';
import type { ChunkMessage, ChunkReply, ProcessWarmUp, SampleTaskResult, SampleTaskSpec } from '../src/jobs/protocol.js';
import { runSampleTask } from '../src/jobs/sample-task.js';
import { workerFile } from '../src/jobs/worker-files.js';

// Lower this thread's priority below the server's, before any work (src/jobs/defaults.ts).
setPriority(WORKER_NICENESS);

/** The process's own thread pool (hybrid), started on first use and kept for the life of the process. */
let threadPool: Piscina | undefined;
/** One emulated GIL per process, as CPython has one per interpreter. */
const gilMemory = createGilMemory();

/** A process pool is keyed by its thread count, so one process always asks for the same size. */
function threadsOf(size: number): Piscina {
  threadPool ??= new Piscina({ filename: workerFile('thread'), minThreads: size, maxThreads: size, idleTimeout: Infinity });
  return threadPool;
}

/**
 * The task with a payload the thread can take over. A payload deserialised from IPC may be a view into
 * the message's whole buffer, and cloning a view copies all of it: give each task a buffer of its own.
 */
function ownedPayload(spec: SampleTaskSpec, gil: SharedArrayBuffer | undefined): { task: SampleTaskSpec; transferList: ArrayBuffer[] } {
  const bytes = spec.payload;
  if (!bytes) return { task: { ...spec, gil }, transferList: [] };
  const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
  return { task: { ...spec, payload: owned, gil }, transferList: [owned.buffer as ArrayBuffer] };
}

/** tinypool entry: runs a chunk, on this process's only thread or across its thread pool. */
export default async function runChunk(message: ChunkMessage): Promise<ChunkReply> {
  const before = cpuUsage();
  let results: SampleTaskResult[];
  if (message.threads <= 1) {
    results = message.specs.map((spec) => runSampleTask(spec));
  } else {
    const pool = threadsOf(message.threads);
    const gil = message.gil ? gilMemory : undefined;
    results = await Promise.all(
      message.specs.map((spec) => {
        const { task, transferList } = ownedPayload(spec, gil);
        return pool.run(task, { transferList }) as Promise<SampleTaskResult>;
      }),
    );
  }
  const used = cpuUsage(before);
  return { results, cpuMs: (used.user + used.system) / 1000 };
}

/** Warm-up: starts the process's thread pool (hybrid) or compiles the burn, and holds the process so calls spread out. */
export async function identify({ holdMs, threads }: ProcessWarmUp): Promise<number> {
  if (threads > 1) {
    const pool = threadsOf(threads);
    await Promise.all(Array.from({ length: threads }, () => pool.run(holdMs, { name: 'identify' })));
  } else {
    warmUpBurn();
    runSampleTask({ cpuIterations: 0, waitMs: holdMs, returnBytes: 0, gilHeldShare: 0, sliceIterations: 1 });
  }
  return process.pid;
}
