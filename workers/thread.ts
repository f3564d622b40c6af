import { setPriority } from 'node:os';
import { threadId } from 'node:worker_threads';
import { calibrateIterationsPerMs, warmUpBurn } from '../src/jobs/burn.js';
import { WORKER_NICENESS } from '../src/jobs/defaults.js';
import type { SampleTaskSpec } from '../src/jobs/protocol.js';
import { blockingWait, runSampleTask } from '../src/jobs/sample-task.js';

// Lower this thread's priority below the server's, before any work (src/jobs/defaults.ts).
setPriority(WORKER_NICENESS);

/** Piscina entry for the threads pool (and the threads inside each hybrid process): one sample task. */
export default function sampleTask(spec: SampleTaskSpec) {
  return runSampleTask(spec);
}

/**
 * Warm-up: compiles the CPU burn in this thread's isolate (each has its own JIT, and a cold one runs the
 * first short tasks many times slower), then holds the thread so concurrent calls land on distinct threads.
 */
export function identify(holdMs: number): number {
  warmUpBurn();
  blockingWait(holdMs);
  return threadId;
}

export function calibrate(): number {
  return calibrateIterationsPerMs();
}
