import { Piscina } from 'piscina';
import Tinypool from 'tinypool';
import type { Plan } from '../advisor/plan.js';
import { MAX_EXTRA_POOLS } from './defaults.js';
import type { ProcessWarmUp } from './protocol.js';
import { threadsLoaded } from './thread-loading.js';
import { workerFile } from './worker-files.js';

/** The pools sample jobs run on; sequential and async share the event-loop one. */
export const POOL_KINDS = ['threads', 'processes', 'hybrid', 'event-loop'] as const;
export type PoolKind = (typeof POOL_KINDS)[number];

/** The pool a plan runs on: its kind and sizes (sequential and async share one event-loop thread). */
export type PoolShape = Pick<Plan, 'processes' | 'threadsPerProcess'> & { kind: PoolKind };

export interface RunOptions {
  signal?: AbortSignal;
  name?: string;
  transferList?: ArrayBuffer[];
}

/** How long a warm-up call holds its worker, so that concurrent calls land on distinct workers. */
const WARM_UP_HOLD_MS = 20;
const WARM_UP_ROUNDS = 10;

function keyOf(shape: PoolShape): string {
  return `${shape.kind}:${shape.processes}x${shape.threadsPerProcess}`;
}

/** piscina (threads) and tinypool (child processes) share this much of an interface. */
interface TaskPool {
  run(task: unknown, options: RunOptions): Promise<unknown>;
  destroy(): Promise<void>;
}

/** A thread pool waits for threads that are still loading before it stops them (thread-loading.ts). */
function threadPool(filename: string, threads: number): TaskPool {
  const pool = new Piscina({ filename, minThreads: threads, maxThreads: threads, idleTimeout: Infinity });
  const loaded = threadsLoaded(pool);
  return {
    run: (task, options) => pool.run(task, options),
    destroy: async () => {
      await loaded();
      await pool.destroy();
    },
  };
}

function createTaskPool(shape: PoolShape, onError: (error: Error) => void): TaskPool {
  switch (shape.kind) {
    case 'threads':
    case 'event-loop':
      return threadPool(workerFile(shape.kind === 'threads' ? 'thread' : 'event-loop'), shape.threadsPerProcess);
    case 'processes':
    case 'hybrid': {
      const pool = new Tinypool({
        filename: workerFile('process'),
        runtime: 'child_process',
        minThreads: shape.processes,
        maxThreads: shape.processes,
        idleTimeout: Infinity,
        // V8 serialisation sends a Buffer's bytes as they are, where JSON writes them out as a list of numbers
        // (`task-advisor calibrate --runtime node` times this transport: src/advisor/costs/node.ts).
        serialization: 'advanced',
      });
      // A child that dies while idle is reported here and replaced; without a listener it would crash the server.
      pool.on('error', onError);
      return pool;
    }
  }
}

/** One started pool with the counters GET /pools reports. */
export class SamplePool {
  readonly shape: PoolShape;
  readonly size: number;
  readonly resident: boolean;
  startupMs = 0;
  lastUsed = Date.now();
  readonly #pool: TaskPool;
  readonly #startedAt = performance.now();
  #inFlight = 0;
  #busyMs = 0;

  constructor(shape: PoolShape, resident: boolean, onError: (error: Error) => void) {
    this.shape = shape;
    this.size = shape.processes * shape.threadsPerProcess;
    this.resident = resident;
    this.#pool = createTaskPool(shape, onError);
    this.#adjustStdioListeners(+1);
  }

  /**
   * Each worker thread pipes its stdout and stderr into this process's, a few listeners each; raise the
   * limit by as many, as tinypool does for its children, so that a big pool is not reported as a leak.
   */
  #adjustStdioListeners(sign: 1 | -1): void {
    if (this.shape.kind !== 'threads' && this.shape.kind !== 'event-loop') return;
    for (const stream of [process.stdout, process.stderr]) {
      stream.setMaxListeners(Math.max(0, stream.getMaxListeners() + sign * this.size));
    }
  }

  /** Runs calls until every process (and thread) has answered once, so jobs time a started pool. */
  async warmUp(): Promise<void> {
    const started = performance.now();
    const workers = this.shape.kind === 'threads' || this.shape.kind === 'event-loop' ? this.shape.threadsPerProcess : this.shape.processes;
    const message: ProcessWarmUp | number = this.shape.kind === 'hybrid' || this.shape.kind === 'processes'
      ? { holdMs: WARM_UP_HOLD_MS, threads: this.shape.threadsPerProcess }
      : WARM_UP_HOLD_MS;
    const seen = new Set<unknown>();
    for (let round = 0; round < WARM_UP_ROUNDS && seen.size < workers; round++) {
      const ids = await Promise.all(Array.from({ length: workers }, () => this.#pool.run(message, { name: 'identify' })));
      for (const id of ids) seen.add(id);
    }
    this.startupMs = performance.now() - started;
  }

  async run<T>(task: unknown, options: RunOptions = {}): Promise<T> {
    this.#inFlight++;
    this.lastUsed = Date.now();
    const started = performance.now();
    try {
      return (await this.#pool.run(task, options)) as T;
    } finally {
      this.#inFlight--;
      // Time from hand-over to result; for tasks that queued this overstates busy time, so cap by the size.
      this.#busyMs += performance.now() - started;
    }
  }

  stats() {
    const busy = Math.min(this.#inFlight, this.size);
    const ageMs = performance.now() - this.#startedAt;
    return {
      ...this.shape,
      size: this.size,
      busy,
      queued: this.#inFlight - busy,
      utilization: Math.min(1, this.#busyMs / Math.max(1, ageMs * this.size)),
      resident: this.resident,
    };
  }

  async close(): Promise<void> {
    await this.#pool.destroy();
    this.#adjustStdioListeners(-1);
  }
}

/**
 * The pools jobs run on: resident ones started with the server, and a few more for jobs that ask for
 * other sizes, created on demand and closed least recently used first.
 */
export class PoolRegistry {
  readonly #pools = new Map<string, SamplePool>();
  readonly #onError: (error: Error) => void;

  constructor(onError: (error: Error) => void) {
    this.#onError = onError;
  }

  async startResident(shapes: PoolShape[]): Promise<void> {
    await Promise.all(shapes.map((shape) => this.#create(shape, true)));
  }

  /** A started pool of this shape, and how long starting it took (0 when it was running already). */
  async acquire(shape: PoolShape): Promise<{ pool: SamplePool; startupMs: number }> {
    const existing = this.#pools.get(keyOf(shape));
    if (existing) {
      existing.lastUsed = Date.now();
      return { pool: existing, startupMs: 0 };
    }
    await this.#evictBeyond(MAX_EXTRA_POOLS - 1);
    const pool = await this.#create(shape, false);
    return { pool, startupMs: pool.startupMs };
  }

  list(): SamplePool[] {
    return [...this.#pools.values()];
  }

  async close(): Promise<void> {
    const pools = this.list();
    this.#pools.clear();
    await Promise.all(pools.map((pool) => pool.close()));
  }

  async #create(shape: PoolShape, resident: boolean): Promise<SamplePool> {
    const pool = new SamplePool(shape, resident, this.#onError);
    this.#pools.set(keyOf(shape), pool);
    try {
      await pool.warmUp();
    } catch (error) {
      this.#pools.delete(keyOf(shape));
      await pool.close();
      throw error;
    }
    return pool;
  }

  async #evictBeyond(extraPools: number): Promise<void> {
    const extras = this.list().filter((pool) => !pool.resident).sort((a, b) => a.lastUsed - b.lastUsed);
    for (const pool of extras.slice(0, Math.max(0, extras.length - extraPools))) {
      this.#pools.delete(keyOf(pool.shape));
      await pool.close();
    }
  }
}
