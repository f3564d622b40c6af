import { threadId } from 'node:worker_threads';
import { calibrateIterationsPerMs } from '../src/jobs/burn.js';
import { blockingWait, runSampleTask, type SampleTaskSpec } from '../src/jobs/sample-task.js';

/** Piscina entry for the threads pool (and the threads inside each hybrid process): one sample task. */
export default function sampleTask(spec: SampleTaskSpec) {
  return runSampleTask(spec);
}

/** Warm-up: holds the thread for a moment so concurrent calls land on distinct threads, and says which. */
export function identify(holdMs: number): number {
  blockingWait(holdMs);
  return threadId;
}

export function calibrate(): number {
  return calibrateIterationsPerMs();
}
