/**
 * Typical per-task costs assumed when a client names a kind of work instead of giving numbers.
 * They are starting points, not measurements of the client's job: the reply says which were used,
 * and a measured profile should replace them.
 */
export interface WorkloadAssumption {
  cpuMsPerTask: number;
  waitMsPerTask: number;
  gilReleasedShare: number;
  payloadBytesPerTask: number;
  threadsPerTask: number;
  why: string;
  /** What of the work releases the GIL: said only where the runtime has one. */
  gilNote?: string;
  /** The work calls BLAS or OpenMP code, which starts a thread per core in each worker unless capped. */
  callsBlas?: true;
  /**
   * The tasks' CPU is their client's (decoding a reply, a driver's rows), which runs where the call is
   * awaited: an event loop cannot hand it to a thread pool.
   */
  cpuInClient?: true;
  /** In Node the work runs in async native calls on libuv's thread pool (fs, zlib, sharp), not on the caller's thread. */
  libuvInNode?: true;
  /** Tasks in flight the downstream of this kind of work takes when the profile gives no maxConcurrency. */
  downstreamLimit?: { inFlight: number; source: string };
}

/**
 * With no maxConcurrency, work that waits on a downstream holds at most this many tasks in flight: the
 * default connection limit of the common async HTTP clients. A plan of hundreds of simultaneous
 * connections, unasked, is a denial of service on someone's server. Where it comes from is said in the
 * client's own language: Node's clients set no limit, so there it is the code's to keep.
 */
export const DEFAULT_DOWNSTREAM_LIMIT = {
  inFlight: 100,
  source: {
    python: "the default connection limit of Python's async HTTP clients (aiohttp's TCPConnector limit=100, httpx's Limits(max_connections=100))",
    javascript:
      "a cautious default, since Node's fetch and http.Agent set no limit of their own (keep one in the code: an undici Agent's connections, a p-limit)",
  },
} as const;

export const WORKLOADS = {
  'web-scraping': {
    cpuMsPerTask: 5,
    waitMsPerTask: 300,
    gilReleasedShare: 0.2,
    payloadBytesPerTask: 100_000,
    threadsPerTask: 1,
    why: 'a page fetch over the internet (~300 ms) and an HTML parse (~5 ms)',
    gilNote: 'lxml parses partly outside the GIL',
  },
  'api-calls': {
    cpuInClient: true,
    cpuMsPerTask: 2,
    waitMsPerTask: 150,
    gilReleasedShare: 0,
    payloadBytesPerTask: 5_000,
    threadsPerTask: 1,
    why: 'a JSON API round trip (~150 ms) and decoding a small reply (~2 ms)',
  },
  'file-io': {
    libuvInNode: true,
    cpuMsPerTask: 2,
    waitMsPerTask: 20,
    gilReleasedShare: 0.5,
    payloadBytesPerTask: 1_000_000,
    threadsPerTask: 1,
    why: 'reading or writing a ~1 MB file (~20 ms on network or cold storage) with light handling',
  },
  'database-queries': {
    cpuInClient: true,
    cpuMsPerTask: 3,
    waitMsPerTask: 50,
    gilReleasedShare: 0.3,
    payloadBytesPerTask: 20_000,
    threadsPerTask: 1,
    why: 'one indexed query to a database server (~50 ms) and row decoding (~3 ms, partly in the driver)',
    downstreamLimit: {
      inFlight: 20,
      source:
        "a typical connection pool (SQLAlchemy's 5 + 10 overflow, asyncpg's 10, node-postgres' pg.Pool 10, HikariCP's 10, pgbouncer's 20 per database); PostgreSQL's max_connections is 100 by default, shared by every client",
    },
  },
  'image-processing': {
    libuvInNode: true,
    cpuMsPerTask: 150,
    waitMsPerTask: 10,
    gilReleasedShare: 0.6,
    payloadBytesPerTask: 3_000_000,
    threadsPerTask: 1,
    why: 'decode, resize and encode a photo (~150 ms)',
    gilNote: 'Pillow releases the GIL in most filters',
  },
  'video-encoding': {
    cpuMsPerTask: 5_000,
    waitMsPerTask: 200,
    gilReleasedShare: 0.95,
    payloadBytesPerTask: 200,
    threadsPerTask: 2,
    why: 'encoding a clip in native code (~5 s) that keeps ~2 threads busy; files passed by path, not by value',
  },
  'data-analysis': {
    callsBlas: true,
    cpuMsPerTask: 200,
    waitMsPerTask: 20,
    gilReleasedShare: 0.3,
    payloadBytesPerTask: 2_000_000,
    threadsPerTask: 1,
    why: 'a pandas group-by over a few MB (~200 ms)',
    gilNote: 'much of pandas holds the GIL',
  },
  'scientific-computing': {
    callsBlas: true,
    cpuMsPerTask: 500,
    waitMsPerTask: 5,
    gilReleasedShare: 0.8,
    payloadBytesPerTask: 1_000_000,
    threadsPerTask: 1,
    why: 'a NumPy/SciPy kernel (~500 ms) with some Python glue between calls',
  },
  'ml-training': {
    callsBlas: true,
    cpuMsPerTask: 30_000,
    waitMsPerTask: 500,
    gilReleasedShare: 0.9,
    payloadBytesPerTask: 50_000_000,
    threadsPerTask: 4,
    why: 'fitting one model (~30 s) whose BLAS keeps several threads busy, on a ~50 MB data set',
  },
  'numpy-vectorized': {
    callsBlas: true,
    cpuMsPerTask: 50,
    waitMsPerTask: 0,
    gilReleasedShare: 0.95,
    payloadBytesPerTask: 8_000_000,
    threadsPerTask: 1,
    why: 'vectorised NumPy over a ~8 MB array (~50 ms)',
    gilNote: 'NumPy releases the GIL inside its loops',
  },
  compression: {
    libuvInNode: true,
    cpuMsPerTask: 40,
    waitMsPerTask: 5,
    gilReleasedShare: 0.9,
    payloadBytesPerTask: 2_000_000,
    threadsPerTask: 1,
    why: 'zlib at level 6 on ~1 MB in, less out (~40 ms; lzma takes 6-20 times as long, so send cpuMsPerTask for it)',
    gilNote: 'zlib and lzma release the GIL while they compress',
  },
  hashing: {
    cpuMsPerTask: 10,
    waitMsPerTask: 2,
    gilReleasedShare: 0.95,
    payloadBytesPerTask: 4_000_000,
    threadsPerTask: 1,
    why: 'SHA-256 over ~4 MB (~10 ms)',
    gilNote: 'hashlib releases the GIL for inputs over 2 KB',
  },
} as const satisfies Record<string, WorkloadAssumption>;

export type WorkloadName = keyof typeof WORKLOADS;

export const WORKLOAD_NAMES = Object.keys(WORKLOADS) as [WorkloadName, ...WorkloadName[]];
