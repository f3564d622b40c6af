import type { ExecutionModel } from '../../../src/advisor/plan.js';
import type { ProfileInput } from '../../../src/advisor/profile.js';

/** What a performance engineer accepts as the answer to one everyday batch. */
export interface Accept {
  /** Any of these models. */
  models: ExecutionModel[];
  /** For a hybrid: what runs inside each process. */
  inner?: Array<'threads' | 'async'>;
  /** Bounds, inclusive, on the tasks in flight at once. */
  inFlight?: [number, number];
  processes?: [number, number];
  chunkSize?: [number, number];
  minSpeedup?: number;
  wallMs?: [number, number];
  /** Each must match some rationale sentence, warning, practice id or the snippet. */
  rationale?: RegExp[];
  notRationale?: RegExp[];
  warnings?: RegExp[];
  notWarnings?: RegExp[];
  practices?: string[];
  snippet?: RegExp[];
}

export interface Scenario {
  name: string;
  profile: ProfileInput;
  accept: Accept;
}

export const SCENARIOS: Scenario[] = [
  // ---------------------------------------------------------------- waiting on a network service
  {
    name: 'scraping 2,000 pages with no stated limit (cpython, 8 cores)',
    profile: { tasks: 2000, cpuMsPerTask: 5, waitMsPerTask: 300, cores: 8 },
    accept: { models: ['async', 'hybrid', 'threads'], inFlight: [20, 100], minSpeedup: 15 },
  },
  {
    name: 'scraping 2,000 pages, the site allows 20 connections',
    profile: { tasks: 2000, cpuMsPerTask: 5, waitMsPerTask: 300, cores: 8, maxConcurrency: 20 },
    accept: {
      models: ['threads', 'async', 'hybrid', 'processes'],
      inFlight: [15, 20],
      wallMs: [2000 * 305 / 20, 2000 * 305 / 20 * 1.2],
      rationale: [/maxConcurrency allows 20 tasks at a time/],
      notRationale: [/GIL-held/],
    },
  },
  {
    name: 'the web-scraping workload on Node',
    profile: { tasks: 100, workload: 'web-scraping', runtime: 'node', cores: 4 },
    accept: { models: ['async'], inFlight: [50, 100], practices: ['keep-event-loop-free'], snippet: [/await setTimeout\(300\)/] },
  },
  {
    name: 'API calls with a limit of 10 in flight: the one the issue names "GIL-held" (cpython, 8 cores)',
    profile: { tasks: 2000, cpuMsPerTask: 5, waitMsPerTask: 300, cores: 8, maxConcurrency: 10 },
    accept: {
      models: ['threads', 'async', 'processes', 'hybrid'],
      inFlight: [10, 10],
      rationale: [/maxConcurrency allows 10 tasks at a time, so the 2,000 tasks of 305 ms take 61\.\d s/],
      notRationale: [/61\.\d s of GIL-held/, /GIL/],
    },
  },
  {
    name: 'API calls, 10,000 x 200 ms behind a limit of 50 (cpython, 8 cores)',
    profile: { tasks: 10_000, cpuMsPerTask: 2, waitMsPerTask: 200, cores: 8, maxConcurrency: 50 },
    accept: { models: ['threads', 'async', 'hybrid'], inFlight: [40, 50], wallMs: [10_000 * 202 / 50, 10_000 * 202 / 50 * 1.2] },
  },
  {
    name: 'Node fetches with 10 ms of CPU each: waits are awaits, not blocked threads',
    profile: { tasks: 5000, cpuMsPerTask: 10, waitMsPerTask: 100, runtime: 'node', cores: 8 },
    accept: { models: ['hybrid', 'async'], inner: ['async'], inFlight: [8, 100] },
  },
  {
    name: 'a downstream limit with a deadline: no number of machines can meet it',
    profile: { tasks: 100_000, cpuMsPerTask: 2, waitMsPerTask: 200, maxConcurrency: 10, deadlineMs: 60_000, cores: 8 },
    accept: { models: ['threads', 'async', 'processes', 'hybrid'], inFlight: [10, 10], warnings: [/no number of machines/], notWarnings: [/About \d+ machines/] },
  },
  {
    name: '50,000 API calls behind a limit of 200 (cpython, 2 cores)',
    profile: { tasks: 50_000, cpuMsPerTask: 1, waitMsPerTask: 80, cores: 2, maxConcurrency: 200 },
    accept: { models: ['async', 'threads', 'hybrid'], inFlight: [100, 200] },
  },

  // ---------------------------------------------------------------- databases
  {
    name: 'database queries with no stated pool (the issue: 288 connections)',
    profile: { tasks: 10_000, workload: 'database-queries' },
    accept: { models: ['threads', 'async', 'hybrid'], inFlight: [5, 20], warnings: [/maxConcurrency/] },
  },
  {
    name: 'database queries through a pool of 20 (4 cores)',
    profile: { tasks: 10_000, workload: 'database-queries', maxConcurrency: 20, cores: 4 },
    accept: { models: ['threads', 'async', 'hybrid'], inFlight: [10, 20], practices: ['bounded-downstream-concurrency'] },
  },
  {
    name: 'a nightly export: 500 queries of 2 s each, pool of 8',
    profile: { tasks: 500, cpuMsPerTask: 20, waitMsPerTask: 2000, cores: 4, maxConcurrency: 8 },
    accept: { models: ['threads', 'async'], inFlight: [8, 8], wallMs: [500 * 2020 / 8, 500 * 2020 / 8 * 1.1] },
  },

  // ---------------------------------------------------------------- files
  {
    name: 'the file-io workload: 5,000 files (4 cores)',
    profile: { tasks: 5000, workload: 'file-io', cores: 4 },
    accept: { models: ['threads', 'async', 'hybrid'], inFlight: [4, 100], minSpeedup: 4 },
  },
  {
    name: 'reading 1,000 small files: 1 ms CPU, 5 ms of disk (2 cores)',
    profile: { tasks: 1000, cpuMsPerTask: 1, waitMsPerTask: 5, cores: 2 },
    accept: { models: ['threads', 'async', 'hybrid', 'processes'], inFlight: [2, 64], minSpeedup: 2 },
  },
  {
    name: 'hashing 64 big files: hashlib releases the GIL, 100 ms of disk each (8 cores)',
    profile: { tasks: 64, cpuMsPerTask: 500, waitMsPerTask: 100, gilReleasedShare: 0.99, cores: 8 },
    accept: { models: ['threads'], inFlight: [8, 64], minSpeedup: 5, practices: ['gil-release-check'] },
  },
  {
    name: 'the hashing workload: 20,000 files (8 cores)',
    profile: { tasks: 20_000, workload: 'hashing', cores: 8 },
    accept: { models: ['threads', 'processes', 'hybrid'], minSpeedup: 3 },
  },

  // ---------------------------------------------------------------- images, numbers, text
  {
    name: 'Pillow thumbnails: resize releases most of the GIL (8 cores)',
    profile: { tasks: 500, cpuMsPerTask: 80, waitMsPerTask: 5, gilReleasedShare: 0.8, cores: 8 },
    accept: { models: ['threads', 'processes', 'hybrid'], minSpeedup: 4 },
  },
  {
    name: 'the image-processing workload: 2,000 images (8 cores)',
    profile: { tasks: 2000, workload: 'image-processing', cores: 8 },
    accept: { models: ['threads', 'processes', 'hybrid'], processes: [1, 16], minSpeedup: 3 },
  },
  {
    name: 'numpy with BLAS already on every core: 64 solves on 8 threads each (8 cores)',
    profile: { tasks: 64, cpuMsPerTask: 400, waitMsPerTask: 0, gilReleasedShare: 1, threadsPerTask: 8, cores: 8 },
    accept: { models: ['sequential', 'threads', 'processes', 'hybrid'], minSpeedup: 0.9, rationale: [/native threads already keep all 8 cores busy/] },
  },
  {
    // 5% of each task in Python runs on one thread while the other 7 cores idle: 8 tasks side by side on one BLAS
    // thread each use them all (Amdahl: 64 x 67.5 ms one after another, 25.6 s of CPU over 8 cores at best).
    name: 'numpy with BLAS on every core but 5% Python a task: tasks side by side, each on one BLAS thread (8 cores)',
    profile: { tasks: 64, cpuMsPerTask: 400, waitMsPerTask: 0, gilReleasedShare: 0.95, threadsPerTask: 8, cores: 8 },
    accept: { models: ['threads', 'processes', 'hybrid'], minSpeedup: 1.2, warnings: [/Cap each worker's BLAS\/OpenMP threads at 1/] },
  },
  {
    name: 'numpy with 4 BLAS threads a task, many tasks (8 cores): capped, not oversubscribed',
    profile: { tasks: 1000, cpuMsPerTask: 50, waitMsPerTask: 0, gilReleasedShare: 0.95, threadsPerTask: 4, cores: 8 },
    // Sequentially each task already runs on 4 cores, so 8 cores can at most double the speed.
    accept: { models: ['threads', 'processes', 'hybrid'], minSpeedup: 1.8, snippet: [/OMP_NUM_THREADS/], practices: ['cap-native-threads'] },
  },
  {
    name: 'pandas: the data-analysis workload (8 cores)',
    profile: { tasks: 200, workload: 'data-analysis', cores: 8 },
    accept: { models: ['processes', 'hybrid'], processes: [4, 16], minSpeedup: 3 },
  },
  {
    name: 'pandas group-bys of 2 s on 10 MB frames, 2 GB a worker in 8 GB (8 cores)',
    profile: { tasks: 50, cpuMsPerTask: 2000, waitMsPerTask: 0, gilReleasedShare: 0.3, payloadBytesPerTask: 10_000_000, memoryMbPerWorker: 2000, memoryLimitMb: 8000, cores: 8 },
    accept: { models: ['processes', 'hybrid', 'threads'], processes: [1, 4], warnings: [/Memory: 8,000 MB allows 4 worker processes/] },
  },
  {
    name: 'regex over a million log lines: 20 us each (8 cores)',
    profile: { tasks: 1_000_000, cpuMsPerTask: 0.02, waitMsPerTask: 0, cores: 8 },
    accept: { models: ['sequential', 'processes'], chunkSize: [1000, 1_000_000] },
  },
  {
    name: 'JSON parsing: 100,000 documents of 20 KB, 0.5 ms each (4 cores)',
    profile: { tasks: 100_000, cpuMsPerTask: 0.5, waitMsPerTask: 0, payloadBytesPerTask: 20_000, cores: 4 },
    accept: { models: ['sequential', 'processes'], chunkSize: [50, 100_000] },
  },
  {
    name: 'zlib: compression releases the GIL (4 cores)',
    profile: { tasks: 1000, cpuMsPerTask: 20, waitMsPerTask: 0, gilReleasedShare: 0.95, cores: 4 },
    accept: { models: ['threads'], inFlight: [4, 8], minSpeedup: 3, rationale: [/95% of the CPU time runs in native code that releases the GIL/] },
  },
  {
    name: 'the compression workload (8 cores)',
    profile: { tasks: 500, workload: 'compression', cores: 8 },
    accept: { models: ['threads', 'processes', 'hybrid'], minSpeedup: 3 },
  },
  {
    name: 'ML inference: 10,000 images of 600 KB, 30 ms on 4 BLAS threads (8 cores)',
    profile: { tasks: 10_000, cpuMsPerTask: 30, waitMsPerTask: 0, gilReleasedShare: 0.9, threadsPerTask: 4, payloadBytesPerTask: 600_000, cores: 8 },
    accept: { models: ['threads', 'processes', 'hybrid'], minSpeedup: 1.8, snippet: [/OMP_NUM_THREADS/] },
  },
  {
    name: 'ml-training: 10 long jobs on 64 cores',
    profile: { tasks: 10, workload: 'ml-training', cores: 64 },
    accept: { models: ['processes', 'threads', 'hybrid'], minSpeedup: 5 },
  },

  // ---------------------------------------------------------------- few long tasks, many tiny ones
  {
    name: 'three 60 s tasks (8 cores): one process each',
    profile: { tasks: 3, cpuMsPerTask: 60_000, waitMsPerTask: 0, cores: 8 },
    accept: { models: ['processes'], processes: [3, 3], minSpeedup: 2.9 },
  },
  {
    name: 'two 60 s tasks on 2 cores: the workers, not the dispatcher, set the wall time',
    profile: { tasks: 2, cpuMsPerTask: 60_000, waitMsPerTask: 0, cores: 2 },
    accept: { models: ['processes'], processes: [2, 2], rationale: [/both tasks run at once/], notRationale: [/dispatcher/] },
  },
  {
    name: 'one 5 s task: sequential, and the reason is that there is one task',
    profile: { tasks: 1, cpuMsPerTask: 5000, waitMsPerTask: 0, cores: 8 },
    accept: { models: ['sequential'], rationale: [/The one task takes 5 s/, /there is only the one task/], notRationale: [/the 1 task/, /only 5,000 ms/] },
  },
  {
    name: 'two million tiny tasks: batched, and submitted in a bounded window',
    profile: { tasks: 2_000_000, cpuMsPerTask: 0.01, waitMsPerTask: 0, cores: 8 },
    accept: { models: ['sequential', 'processes'], chunkSize: [1000, 2_000_000], snippet: [/TASKS = 2_000_000/] },
  },
  {
    name: 'a billion tasks of 0.5 ms on 1,024 cores: chunks that account for the dispatcher',
    profile: { tasks: 1e9, cpuMsPerTask: 0.5, waitMsPerTask: 0, cores: 1024 },
    accept: { models: ['processes'], chunkSize: [1000, 1e9], wallMs: [0, 20 * 60_000] },
  },

  // ---------------------------------------------------------------- payloads
  {
    name: '10 MB payloads for 20 ms of CPU: not worth sending to a process',
    profile: { tasks: 1000, cpuMsPerTask: 20, waitMsPerTask: 0, payloadBytesPerTask: 10_000_000, cores: 8 },
    accept: { models: ['sequential', 'threads', 'processes'], rationale: [/serialis/], warnings: [/pass references/] },
  },
  {
    name: '50 MB payloads for 30 s tasks: serialising is named without claiming it costs more than the task',
    profile: { tasks: 8, cpuMsPerTask: 30_000, waitMsPerTask: 0, payloadBytesPerTask: 50_000_000, cores: 8 },
    accept: { models: ['processes'], processes: [8, 8], notRationale: [/more than the task's own 30/] },
  },

  // ---------------------------------------------------------------- memory, isolation, shared state
  {
    name: 'memory: 3 GB a worker within 8 GB (8 cores)',
    profile: { tasks: 100, cpuMsPerTask: 1000, waitMsPerTask: 0, memoryMbPerWorker: 3000, memoryLimitMb: 8000, cores: 8 },
    accept: { models: ['processes', 'hybrid'], processes: [1, 2], warnings: [/allows 2 worker processes/] },
  },
  {
    name: 'memory: one worker does not fit, so nothing is viable and the rationale says so',
    profile: { tasks: 100, cpuMsPerTask: 100, waitMsPerTask: 0, memoryMbPerWorker: 4000, memoryLimitMb: 1000, cores: 8 },
    accept: {
      models: ['sequential', 'threads', 'processes', 'hybrid', 'async'],
      rationale: [/No model satisfies every constraint: one worker needs 4,000 MB/],
      notRationale: [/Sequential is recommended/],
    },
  },
  {
    name: 'memory bounds Node worker threads too: each is a V8 isolate',
    profile: { tasks: 64, cpuMsPerTask: 500, waitMsPerTask: 0, runtime: 'node', memoryMbPerWorker: 500, memoryLimitMb: 1000, cores: 8 },
    accept: { models: ['threads', 'processes', 'hybrid'], inFlight: [1, 2] },
  },
  {
    name: 'isolation on CPython: a crash loses one task, so one task per process at a time',
    profile: { tasks: 200, cpuMsPerTask: 400, waitMsPerTask: 5, cores: 8, needsIsolation: true },
    accept: { models: ['processes'], chunkSize: [1, 1], practices: ['isolate-crashes'] },
  },
  {
    name: 'isolation on Node for IO: not one process of 8 threads',
    profile: { tasks: 1000, cpuMsPerTask: 2, waitMsPerTask: 300, runtime: 'node', cores: 8, needsIsolation: true },
    accept: { models: ['processes', 'hybrid'], processes: [2, 1000], chunkSize: [1, 1] },
  },
  {
    name: 'read-write shared state across 10,000 small tasks (8 cores)',
    profile: { tasks: 10_000, cpuMsPerTask: 5, waitMsPerTask: 0, cores: 8, sharedState: 'read-write' },
    accept: { models: ['sequential', 'threads', 'processes', 'hybrid'], practices: ['prefer-results-to-shared-state'] },
  },
  {
    name: 'read-only reference data for 500 CPU tasks: copy-on-write (8 cores)',
    profile: { tasks: 500, cpuMsPerTask: 100, waitMsPerTask: 0, cores: 8, sharedState: 'read-only' },
    accept: { models: ['processes'], processes: [8, 16], practices: ['copy-on-write-read-only-state'] },
  },

  // ---------------------------------------------------------------- deadlines
  {
    name: 'a deadline one machine cannot meet, with no limit: machines named',
    profile: { tasks: 10_000, cpuMsPerTask: 1000, waitMsPerTask: 0, cores: 8, deadlineMs: 60_000 },
    accept: { models: ['processes'], warnings: [/About 2[1-4] machines of 8 cores meet it/] },
  },
  {
    name: 'a deadline the plan meets: no deadline warning',
    profile: { tasks: 100, cpuMsPerTask: 100, waitMsPerTask: 0, cores: 8, deadlineMs: 60_000 },
    accept: { models: ['processes'], notWarnings: [/Deadline/] },
  },
  {
    name: 'a deadline shorter than one task',
    profile: { tasks: 10, cpuMsPerTask: 5000, waitMsPerTask: 0, cores: 8, deadlineMs: 1000 },
    accept: { models: ['processes'], warnings: [/no number of machines meets it without making each task faster/] },
  },

  // ---------------------------------------------------------------- runtimes and cores
  {
    name: 'free-threaded CPython, pure-Python CPU: threads, and a check that the GIL stays off',
    profile: { tasks: 64, cpuMsPerTask: 200, waitMsPerTask: 0, cores: 8, runtime: 'cpython-free-threaded' },
    accept: { models: ['threads'], inFlight: [8, 16], minSpeedup: 5, warnings: [/sys\._is_gil_enabled/] },
  },
  {
    name: 'PyPy, CPU-bound: processes',
    profile: { tasks: 1000, cpuMsPerTask: 10, waitMsPerTask: 0, cores: 8, runtime: 'pypy' },
    accept: { models: ['processes'], processes: [4, 16], minSpeedup: 4 },
  },
  {
    name: 'Node, CPU-bound: worker threads, about one per core',
    profile: { tasks: 64, cpuMsPerTask: 200, waitMsPerTask: 0, cores: 8, runtime: 'node' },
    accept: { models: ['threads'], inFlight: [8, 16], minSpeedup: 5, snippet: [/new Piscina/] },
  },
  {
    name: 'one core, CPU-bound: sequential, because there is one core',
    profile: { tasks: 100, cpuMsPerTask: 5000, waitMsPerTask: 0, cores: 1 },
    accept: { models: ['sequential'], rationale: [/there is only 1 core/], notRationale: [/only 5,000 ms/, /1 cores/] },
  },
  {
    name: 'one core, IO-bound: concurrency still overlaps the waits',
    profile: { tasks: 1000, cpuMsPerTask: 1, waitMsPerTask: 100, cores: 1 },
    accept: { models: ['threads', 'async'], inFlight: [10, 100], minSpeedup: 10 },
  },
  {
    name: '2 cores, a short CPU batch: process start-up is the real cost',
    profile: { tasks: 1000, cpuMsPerTask: 0.01, waitMsPerTask: 0, cores: 2 },
    accept: { models: ['sequential'], rationale: [/start/] },
  },
  {
    name: '64 cores, 10,000 CPU tasks: a process per core',
    profile: { tasks: 10_000, cpuMsPerTask: 100, waitMsPerTask: 0, cores: 64 },
    accept: { models: ['processes'], processes: [48, 128], minSpeedup: 40 },
  },
  {
    name: '64 cores, mixed work: processes each overlapping their waits',
    profile: { tasks: 500, cpuMsPerTask: 100, waitMsPerTask: 200, cores: 64 },
    accept: { models: ['hybrid', 'processes'], processes: [16, 128], minSpeedup: 20 },
  },
  {
    name: 'maxConcurrency 1: one task at a time whatever the pool',
    profile: { tasks: 100, cpuMsPerTask: 50, waitMsPerTask: 50, cores: 8, maxConcurrency: 1 },
    accept: { models: ['sequential'], inFlight: [1, 1], rationale: [/maxConcurrency is 1/] },
  },
  {
    name: 'mixed work on 8 cores, where a 7x faster hybrid must not be called negligible',
    profile: { tasks: 5000, cpuMsPerTask: 4, waitMsPerTask: 350, cores: 8, maxConcurrency: 100 },
    accept: { models: ['async', 'hybrid', 'threads'], inFlight: [50, 100] },
  },
  {
    name: 'a few GIL-released threads oversubscribe 2 cores: no warning that contradicts the recommendation',
    profile: { tasks: 10, cpuMsPerTask: 1, waitMsPerTask: 0, gilReleasedShare: 0.5, cores: 2 },
    accept: { models: ['sequential', 'threads', 'processes'], notWarnings: [/buys nothing/] },
  },
];
