import { handsCpuToThreads, type ExecutionModel, type InnerModel } from './plan.js';
import type { Runtime } from './profile.js';

/** The languages the advice writes its code skeleton in. */
export const LANGUAGES = ['python', 'javascript'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface RuntimeTraits {
  /** The runtime as a sentence names it. */
  name: string;
  /** Threads of one process run GIL-held code one at a time. */
  hasGil: boolean;
  language: Language;
  /** Models the advisor weighs for this runtime, simplest first. */
  models: readonly ExecutionModel[];
  /** Engines that spread a batch over several machines, named when one machine cannot meet a deadline. */
  scaleOutEngines: string;
  /**
   * Pool threads start side by side, one per core, rather than one after another on the dispatcher: a
   * Node worker boots its own isolate on its own thread (8 workers on 2 cores were ready in 104 ms, 1 in
   * 23 ms, 2 in 24 ms: `node` starting N `Worker`s at once, 2026-11-29), where a Python thread is cheap
   * to start and starts under the GIL.
   */
  threadsStartInParallel: boolean;
}

/** asyncio is weighed for Python as the event loop is for Node: waits overlap on one thread, without a thread each. */
const PYTHON_MODELS = ['sequential', 'async', 'threads', 'processes', 'hybrid'] as const;

export const RUNTIME_TRAITS: Record<Runtime, RuntimeTraits> = {
  cpython: {
    name: 'CPython',
    hasGil: true,
    language: 'python',
    models: PYTHON_MODELS,
    scaleOutEngines: 'Ray or Dask (or Celery for a queue of jobs)',
    threadsStartInParallel: false,
  },
  'cpython-free-threaded': {
    name: 'free-threaded CPython',
    hasGil: false,
    language: 'python',
    models: PYTHON_MODELS,
    scaleOutEngines: 'Ray or Dask (or Celery for a queue of jobs)',
    threadsStartInParallel: false,
  },
  pypy: {
    name: 'PyPy',
    hasGil: true,
    language: 'python',
    models: PYTHON_MODELS,
    scaleOutEngines: 'Ray or Dask, which both run on PyPy for pure-Python tasks',
    threadsStartInParallel: false,
  },
  node: {
    name: 'Node',
    hasGil: false,
    language: 'javascript',
    models: ['sequential', 'async', 'threads', 'processes', 'hybrid'],
    scaleOutEngines: 'a job queue such as BullMQ on Redis, with workers on each machine',
    threadsStartInParallel: true,
  },
};

/** Simpler models win ties: fewer moving parts, less memory, easier failure handling. */
export const SIMPLICITY_RANK: Record<ExecutionModel, number> = {
  sequential: 0,
  threads: 1,
  async: 1,
  processes: 2,
  hybrid: 3,
};

/**
 * A plan's rank: its model's, except that an event loop handing its tasks' CPU to a thread pool is two
 * mechanisms, as simple as processes, not as threads or a loop alone.
 */
export function simplicityRank(plan: { model: ExecutionModel; inner?: InnerModel }): number {
  return handsCpuToThreads(plan) ? SIMPLICITY_RANK.processes : SIMPLICITY_RANK[plan.model];
}
