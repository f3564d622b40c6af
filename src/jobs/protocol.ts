/**
 * Every message that crosses to a pool worker (workers/) and back. The workers import these types; this
 * side never imports workers/, so the job service and its entry points do not depend on each other.
 */

/** How a sample task can be made to fail (POST /jobs `crash`). */
export const CRASH_MODES = ['throw', 'exit'] as const;
export type CrashMode = (typeof CRASH_MODES)[number];

/** One sample task as a worker receives it: work in calibrated iterations, so every worker burns the same. */
export interface SampleTaskSpec {
  cpuIterations: number;
  waitMs: number;
  /** Bytes the task returns (the rest of payloadBytesPerTask travels to it, in `payload`). */
  returnBytes: number;
  payload?: Uint8Array;
  /** The process's emulated GIL, when the job asks for one. */
  gil?: SharedArrayBuffer;
  /** Share of the CPU iterations run while holding the GIL (1 - gilReleasedShare). */
  gilHeldShare: number;
  /** Iterations in one switch interval: how long a thread keeps the GIL before handing it over. */
  sliceIterations: number;
  /** Fail this task on purpose (POST /jobs `crash`). */
  crash?: CrashMode;
}

export interface SampleTaskResult {
  /** The task's own wall time, measured where it ran. */
  ms: number;
  returned: Uint8Array;
}

/** A chunk of sample tasks sent to one worker process. */
export interface ChunkMessage {
  specs: SampleTaskSpec[];
  /** 1 for the processes pool; the thread-pool size of each process for the hybrid. */
  threads: number;
  /** Emulate the GIL across this process's threads. */
  gil: boolean;
}

export interface ChunkReply {
  results: SampleTaskResult[];
  /** CPU time (user + sys) this process spent on the chunk, its threads included. */
  cpuMs: number;
}

/** A batch of sample tasks run on this thread's own event loop: the async model, or sequential with 1 in flight. */
export interface EventLoopBatch {
  tasks: number;
  /** Tasks in flight at once. */
  concurrency: number;
  cpuIterations: number;
  waitMs: number;
  /** Fail one task on purpose (POST /jobs `crash`). */
  crash?: { atTask: number; how: CrashMode };
}

export interface EventLoopReply {
  taskMs: number[];
}

/**
 * The warm-up call (`identify`) to a worker process: hold it `holdMs` so concurrent calls land on distinct
 * processes, and start its thread pool of `threads` (hybrid). Thread and event-loop workers take `holdMs` alone.
 */
export interface ProcessWarmUp {
  holdMs: number;
  threads: number;
}
