/**
 * The tasks bench/node/harness.ts runs, shared by the main thread, the worker threads and the forked children so
 * that every model does the same work. A task is plain data (it crosses postMessage and IPC as it is); its CPU
 * is sized in the parent from a loop timed on this machine, so every thread and process does the same work.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Task {
  /** Iterations of the pure-JS kernel. */
  iters: number;
  /** SHA-256 updates of a 1 MiB Buffer built in the task (native work, off the JS heap). */
  hashUpdates: number;
  /** A wait: a timer on an event loop, a blocking Atomics.wait on a worker (as the advisor's snippets do). */
  waitMs: number;
  /** Bytes handed to the task: structured-cloned to a worker thread, V8-serialised over IPC to a child. */
  payload?: Uint8Array;
}

const MiB = 1 << 20;

/** A pure-JS integer kernel: V8 compiles it to a tight loop, and the modulo keeps it from being folded away. */
export function spin(iters: number): number {
  let x = 0;
  for (let i = 0; i < iters; i++) x = (x + i * 7) % 1000003;
  return x;
}

function hash(updates: number): number {
  if (updates === 0) return 0;
  const buf = Buffer.alloc(MiB, 0xa5);
  const h = createHash('sha256');
  for (let i = 0; i < updates; i++) h.update(buf);
  return h.digest().readUInt32LE(0);
}

function compute(task: Task): number {
  const x = spin(task.iters) ^ hash(task.hashUpdates);
  return task.payload ? x ^ task.payload.length ^ task.payload[task.payload.length - 1]! : x;
}

const waitCell = new Int32Array(new SharedArrayBuffer(4));

/** On a worker thread or in a child: the wait blocks the thread, one task at a time per thread. */
export function runTask(task: Task): number {
  if (task.waitMs > 0) Atomics.wait(waitCell, 0, 0, task.waitMs);
  return compute(task);
}

/** On an event loop: the wait is a timer, so other tasks run meanwhile. */
export async function runTaskAsync(task: Task): Promise<number> {
  if (task.waitMs > 0) await sleep(task.waitMs);
  return compute(task);
}

/** Iterations of spin() per ms on this machine: a median of short timings after a warm-up (V8 compiles spin). */
export function spinItersPerMs(probeMs = 15, reps = 9): number {
  spin(2_000_000);
  let n = 100_000;
  for (;;) {
    const t0 = performance.now();
    spin(n);
    const dt = performance.now() - t0;
    if (dt > 2) {
      n = Math.max(1000, Math.round((n * probeMs) / dt));
      break;
    }
    n *= 2;
  }
  const rates: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    spin(n);
    rates.push(n / (performance.now() - t0));
  }
  rates.sort((a, b) => a - b);
  return rates[rates.length >> 1]!;
}

/** ms per SHA-256 update of 1 MiB, timed here. */
export function hashMsPerMiB(): number {
  hash(4);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    hash(10);
    times.push((performance.now() - t0) / 10);
  }
  times.sort((a, b) => a - b);
  return times[2]!;
}
