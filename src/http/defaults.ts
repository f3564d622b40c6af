/**
 * The HTTP layer's defaults, in one place: buildApp lays its options over them once, and config.ts takes
 * the environment's defaults from them.
 */
export const HTTP_DEFAULTS = {
  /** The largest request body fastify reads, in bytes: 1 MiB. */
  bodyLimit: 1024 * 1024,
  /** Event-loop delay past which requests get 503 with Retry-After; 0 turns the check off. */
  maxEventLoopDelayMs: 1000,
  /**
   * How often @fastify/under-pressure samples the loop (its own default, named here): a loop that took no turn in
   * a whole sample was blocked at least this long, which is what the 503 then says.
   */
  pressureSampleIntervalMs: 1000,
  /** fastify's trustProxy: believe no X-Forwarded-For unless told whose. */
  trustProxy: false,
  /** Grace period of a close: none for an app closed in-process; the server sets its own (SHUTDOWN_GRACE_MS). */
  shutdownGraceMs: 0,
  /** Seconds a client is asked to wait on a 503 that passes by itself: overloaded, not ready, pools unavailable. */
  retryAfterSeconds: 5,
  /** Serving the advice; the pool's threads are half the cores, set in buildApp. */
  advice: {
    cacheEntries: 5_000,
    cacheBytes: 32 * 1024 * 1024,
    // An hour: the costs behind a reply change only with a restart, and a deploy's new advice reaches clients within it.
    maxAgeSeconds: 3_600,
  },
} as const;
