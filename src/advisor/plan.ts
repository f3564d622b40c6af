/** The ways to run a batch, in the order the API lists them. */
export const EXECUTION_MODELS = ['sequential', 'threads', 'processes', 'hybrid', 'async'] as const;
export type ExecutionModel = (typeof EXECUTION_MODELS)[number];

/** What each worker process runs its tasks on: a thread pool, or an event loop with tasks in flight. */
export const INNER_MODELS = ['threads', 'async'] as const;
export type InnerModel = (typeof INNER_MODELS)[number];

/**
 * An execution model with its sizes: what the advisor predicts and recommends, and what a sample job runs.
 * For async, threadsPerProcess is the tasks in flight at once.
 */
export interface Plan {
  model: ExecutionModel;
  processes: number;
  /** Threads per process; with an event loop inside (`inner: 'async'`), tasks in flight per loop. */
  threadsPerProcess: number;
  chunkSize: number;
  /** Set for threads, async and hybrid: what runs inside each process. */
  inner?: InnerModel;
}

/** An event loop that awaits the waits and hands each task's CPU to a pool of threads (async+threads). */
export function handsCpuToThreads(plan: Pick<Plan, 'model' | 'inner'>): boolean {
  return plan.model === 'async' && plan.inner === 'threads';
}
