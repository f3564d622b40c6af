import type { Runtime } from './schemas/profile.js';

export type ModelName = 'sequential' | 'threads' | 'async' | 'processes' | 'hybrid';

export interface RuntimeTraits {
  /** Threads of one process run GIL-held code one at a time. */
  hasGil: boolean;
  language: 'python' | 'typescript';
  /** Models the advisor weighs for this runtime, simplest first. */
  models: readonly ModelName[];
  /** Engines that spread a batch over several machines, named when one machine cannot meet a deadline. */
  scaleOutEngines: string;
}

const PYTHON_MODELS = ['sequential', 'threads', 'processes', 'hybrid'] as const;

export const RUNTIME_TRAITS: Record<Runtime, RuntimeTraits> = {
  cpython: {
    hasGil: true,
    language: 'python',
    models: PYTHON_MODELS,
    scaleOutEngines: 'Ray or Dask (or Celery for a queue of jobs)',
  },
  'cpython-free-threaded': {
    hasGil: false,
    language: 'python',
    models: PYTHON_MODELS,
    scaleOutEngines: 'Ray or Dask (or Celery for a queue of jobs)',
  },
  pypy: {
    hasGil: true,
    language: 'python',
    models: PYTHON_MODELS,
    scaleOutEngines: 'Ray or Dask, which both run on PyPy for pure-Python tasks',
  },
  node: {
    hasGil: false,
    language: 'typescript',
    models: ['sequential', 'async', 'threads', 'processes', 'hybrid'],
    scaleOutEngines: 'a job queue such as BullMQ on Redis, with workers on each machine',
  },
};

/** Simpler models win ties: fewer moving parts, less memory, easier failure handling. */
export const SIMPLICITY_RANK: Record<ModelName, number> = {
  sequential: 0,
  threads: 1,
  async: 1,
  processes: 2,
  hybrid: 3,
};
