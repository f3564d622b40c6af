/** How the advice is served: its reply cache, how long a client may reuse a reply, its pool. */
export interface AdviceOptions {
  cacheEntries: number;
  cacheBytes: number;
  maxAgeSeconds: number;
  /** Threads of the pool that computes batches and deadline searches. */
  threads: number;
}

export const DEFAULT_ADVICE_OPTIONS: Omit<AdviceOptions, 'threads'> = {
  cacheEntries: 5_000,
  cacheBytes: 32 * 1024 * 1024,
  // An hour: the costs behind a reply change only with a restart, and a deploy's new advice reaches clients within it.
  maxAgeSeconds: 3_600,
};
