import type { Piscina } from 'piscina';

/** How often a close looks again for threads still loading, and how long it waits for them at most. */
const LOADING_POLL_MS = 10;
const LOADING_WAIT_LIMIT_MS = 10_000;

/**
 * A wait for a piscina pool's threads to load their module. Node aborts the whole process (a V8 assertion in
 * require() of an ES module, seen on Node 20 and 24) when a worker thread is terminated while it loads, and a pool
 * destroyed just after it replaced a thread (an aborted task's, say) does that. Piscina announces a thread with
 * 'workerCreate' once it has loaded; the threads a pool starts with are announced at once, so a pool with
 * minThreads must load those itself (a warm-up call on each). The wait is bounded, so a close never hangs.
 */
export function threadsLoaded(pool: Piscina): () => Promise<void> {
  const announced = new Set<number>();
  pool.on('workerCreate', (worker: { id: number }) => announced.add(worker.id));
  pool.on('workerDestroy', (worker: { id: number }) => announced.delete(worker.id));
  return async () => {
    const giveUpAt = performance.now() + LOADING_WAIT_LIMIT_MS;
    while (pool.threads.some((thread) => !announced.has(thread.threadId)) && performance.now() < giveUpAt) {
      await new Promise((resolve) => setTimeout(resolve, LOADING_POLL_MS));
    }
  };
}
