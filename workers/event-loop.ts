import { setPriority } from 'node:os';
import { threadId } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import { burn, warmUpBurn } from '../src/jobs/burn.js';
import { WORKER_NICENESS } from '../src/jobs/defaults.js';
import { crash } from '../src/jobs/sample-task.js';
import type { EventLoopBatch, EventLoopReply } from '../src/jobs/protocol.js';

// Lower this thread's priority below the server's, before any work (src/jobs/defaults.ts).
setPriority(WORKER_NICENESS);

/**
 * piscina entry: waits on timers, computes between them; the CPU parts take turns, as on any one event loop.
 * Payloads cost nothing here: on one event loop nothing crosses a boundary.
 */
export default async function runBatch(batch: EventLoopBatch): Promise<EventLoopReply> {
  const taskMs: number[] = new Array(batch.tasks);
  let next = 0;
  async function lane(): Promise<void> {
    while (next < batch.tasks) {
      const index = next++;
      if (batch.crash?.atTask === index) crash(batch.crash.how);
      const started = performance.now();
      if (batch.waitMs > 0) await sleep(batch.waitMs);
      burn(batch.cpuIterations);
      taskMs[index] = performance.now() - started;
    }
  }
  await Promise.all(Array.from({ length: Math.min(batch.concurrency, batch.tasks) }, lane));
  return { taskMs };
}

/** Warm-up: the loop's thread is started and its CPU burn compiled. */
export function identify(): number {
  warmUpBurn();
  return threadId;
}
