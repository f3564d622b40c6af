/** How the advice is served: its reply cache, how long a client may reuse a reply, its pool (defaults: HTTP_DEFAULTS.advice). */
export interface AdviceOptions {
  cacheEntries: number;
  cacheBytes: number;
  maxAgeSeconds: number;
  /** Threads of the pool that computes batches and deadline searches. */
  threads: number;
}
