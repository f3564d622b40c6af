import type { WorkKind } from '../classify.js';
import type { Costs } from '../costs/index.js';
import { count, fmt, fmtBytes, fmtMs, fmtTaskMs } from '../format.js';
import { cpuThreadsOf, handOffMsPerTask, payloadSendMs, tasksInFlight, type Prediction } from '../model/estimate.js';
import { handsCpuToThreads, type Plan } from '../plan.js';
import { RUNTIME_TRAITS } from '../runtimes.js';
import type { Practice } from '../advice.js';
import { choose, estimateAll, sequentialWallMs, type Estimate } from '../recommend.js';
import { nativeThreadsPerTask } from '../model/sizing.js';
import { describePlan, innerOf, MODEL_LABEL } from './describe.js';
import { pacersOf } from './snippets.js';
import type { Work } from '../work.js';

export interface PracticeContext {
  work: Work;
  costs: Costs;
  kind: WorkKind;
  plan: Plan;
  prediction: Prediction;
  sequentialMs: number;
  /** Every model's estimate, as the reply lists them. */
  estimates: readonly Estimate[];
}

interface PracticeRule {
  id: string;
  title: string;
  applies: (ctx: PracticeContext) => boolean;
  detail: (ctx: PracticeContext) => string;
}

const usesThreads = ({ plan }: PracticeContext) =>
  plan.model === 'threads' || (plan.model === 'hybrid' && innerOf(plan) === 'threads');
/** The plan runs tasks on an event loop: async, or a hybrid whose processes each run one. */
const usesEventLoop = ({ plan }: PracticeContext) => plan.model !== 'sequential' && plan.model !== 'processes' && innerOf(plan) === 'async';
/** The tasks await their waits on an event loop: one that runs their CPU too, or one that hands it to threads. */
const awaitsOnLoop = (ctx: PracticeContext) => usesEventLoop(ctx) || handsCpuToThreads(ctx.plan);
const usesProcesses = ({ plan }: PracticeContext) => plan.model === 'processes' || plan.model === 'hybrid';
const isPython = ({ work }: PracticeContext) => RUNTIME_TRAITS[work.runtime].language === 'python';
/** Workers that run tasks' code at once: a loop that hands its CPU to threads runs it on those threads alone. */
const workers = ({ plan, work }: PracticeContext) => cpuThreadsOf(plan, work) ?? plan.processes * plan.threadsPerProcess;

/** The dispatcher busy this share of the run handing out tasks one by one is worth batching them for. */
const HAND_OFF_BUSY_SHARE = 0.25;

/**
 * What handing out one task costs the dispatcher, with its share of its chunk's message: what batching saves
 * (serialising a payload costs the same in a batch; the large-payload practice is for that).
 */
function handOffMs(ctx: PracticeContext): number {
  const messageMs = usesProcesses(ctx) ? ctx.costs.processDispatchMs / ctx.plan.chunkSize : 0;
  return handOffMsPerTask(ctx.plan, ctx.costs) + messageMs;
}

/**
 * What copying one task's payload to its worker costs the plan: serialising it to a process and back, or
 * cloning it to a Node worker thread. A Python thread or an event loop gets a reference, and copies nothing.
 */
function payloadCopyMs(ctx: PracticeContext): number {
  if (usesProcesses(ctx)) return ctx.prediction.payloadMsPerTask;
  const nodeThreads = !isPython(ctx) && (ctx.plan.model === 'threads' || handsCpuToThreads(ctx.plan));
  return nodeThreads ? payloadSendMs(ctx.work, ctx.plan, ctx.costs) : 0;
}

/** A difference of this share of a plan's time is worth naming: what a copy costs it, or another plan. */
const WORTH_NAMING = 0.05;

/**
 * The advice without the payload's copy, where it is a gain worth naming: what the copy costs the batch. Without
 * it the best plan may be another (a dispatcher busy copying holds a process pool to a few processes).
 */
function withoutCopy(ctx: PracticeContext): string {
  // Copies that add up to less than the share named cannot have bound the plan: no need to advise again.
  if (ctx.work.tasks * payloadCopyMs(ctx) < WORTH_NAMING * ctx.prediction.wallMs) return '';
  const uncopied = { ...ctx.work, payloadBytes: 0 };
  const best = choose(estimateAll(uncopied, ctx.costs), sequentialWallMs(uncopied, ctx.costs), uncopied);
  if (best.prediction.wallMs > ctx.prediction.wallMs * (1 - WORTH_NAMING)) return '';
  return ` Without the copy (the data passed by reference, or read where it is used), the best plan is ${MODEL_LABEL[best.plan.model]} (${describePlan(best)}) at ${fmtMs(best.prediction.wallMs)}, against ${fmtMs(ctx.prediction.wallMs)} with it.`;
}

/** Connection pools sized to the plan's tasks in flight: one pool per process, since processes share none. */
function connectionPools(ctx: PracticeContext): string {
  const { plan, work } = ctx;
  if (!usesProcesses(ctx) || plan.processes === 1) return `Size the connection pool to the ${fmt(tasksInFlight(plan, work))} in flight`;
  const perProcess = plan.model === 'processes' ? 1 : plan.threadsPerProcess;
  return `Size each process's connection pool to its ${fmt(perProcess)} (${fmt(tasksInFlight(plan, work))} in all): processes share no pool`;
}

const SYNC_CALLS_STOP_THE_LOOP =
  'A synchronous call on the loop (a large JSON.parse, the *Sync functions of zlib or crypto) stops every task in flight for as long as it runs.';

/** Below this payload a copy is cheap next to dispatch; above it, pass a reference (joblib memory-maps from 1 MB). */
const LARGE_PAYLOAD_BYTES = 1e6;

/**
 * Where an event loop hands its CPU to threads, what the plan becomes if that CPU is the client's or the
 * driver's (TLS, signing, decoding) and cannot move: the loop alone's time, and a hybrid of event loops, which
 * spreads it over processes without moving any, where it is much faster than the loop alone.
 */
function ifCpuStaysOnLoop({ work, prediction, estimates }: PracticeContext): string {
  const loopAlone = estimates.find((e) => e.plan.model === 'async' && innerOf(e.plan) === 'async' && e.viable);
  if (!loopAlone || loopAlone.prediction.wallMs <= prediction.wallMs * (1 + WORTH_NAMING)) return '';
  const loops = estimates.find((e) => e.plan.model === 'hybrid' && innerOf(e.plan) === 'async' && e.viable);
  const spread =
    loops && loops.prediction.wallMs < loopAlone.prediction.wallMs * (1 - WORTH_NAMING)
      ? `; a hybrid of ${describePlan(loops)} moves none and takes ${fmtMs(loops.prediction.wallMs)}`
      : '';
  return ` If most of the ${fmtTaskMs(work.cpuMs)} is theirs, it stays on the loop, and the batch takes ${fmtMs(loopAlone.prediction.wallMs)} as on the event loop alone${spread}.`;
}

const RULES: PracticeRule[] = [
  {
    id: 'measure-baseline-first',
    title: 'Measure a sequential baseline first',
    // A profile built from a measured run has its baseline already.
    applies: ({ work }) => work.basis === 'declared' || work.basis === 'workload',
    detail: ({ sequentialMs, prediction }) =>
      `Time one sequential run (wall and CPU, e.g. with \`time\`) before tuning: the model predicts ${fmtMs(sequentialMs)} sequentially and ${fmtMs(prediction.wallMs)} with this plan. Send the measured totals back as \`measurement\` to get advice on real numbers.`,
  },
  {
    id: 'time-the-plan',
    title: 'Time the plan against the measured run',
    applies: ({ work }) => work.basis === 'measured' || work.basis === 'probed',
    detail: ({ sequentialMs, prediction }) =>
      `The per-task figures come from a measured run: time the batch again on this plan, which the model predicts at ${fmtMs(prediction.wallMs)} (${fmtMs(sequentialMs)} one task after another). A gap of more than about 20% means the tasks cost more together than alone: a lock they share, a downstream that slows under load, or memory bandwidth.`,
  },
  {
    id: 'bounded-downstream-concurrency',
    title: 'Bound concurrency to what the downstream allows',
    applies: ({ work, kind }) => Number.isFinite(work.maxConcurrency) || kind === 'io-bound',
    detail: (ctx) => {
      const { work, plan } = ctx;
      return Number.isFinite(work.maxConcurrency)
        ? work.maxConcurrencyAssumed
          ? `No maxConcurrency was given: ${count(work.maxConcurrency, 'task')} in flight at most are assumed (a default), and the plan keeps ${fmt(tasksInFlight(plan, work))}. A real API or database has its own limit: set maxConcurrency to it. ${connectionPools(ctx)}. Back off when the downstream pushes back (an HTTP 429 or 503, a pool's acquire timeout); adaptive limits such as Netflix's concurrency-limits grow and shrink it from measured latency.`
          : `The downstream allows ${count(work.maxConcurrency, 'task')} at once, so the plan keeps ${fmt(tasksInFlight(plan, work))} in flight; ${
              tasksInFlight(plan, work) < work.maxConcurrency && Number.isFinite(work.maxRatePerSecond)
                ? 'its rate limit, not this one, sets the pace'
                : 'more workers would only queue at its limit'
            }. ${connectionPools(ctx)}. Back off when the downstream pushes back (an HTTP 429 or 503, a pool's acquire timeout); adaptive limits such as Netflix's concurrency-limits grow and shrink it from measured latency.`
        : 'Nothing limits concurrency in this profile; a real API or database does. Set maxConcurrency to its connection-pool size or rate limit, and guard calls with a Semaphore so a burst cannot exceed it.';
    },
  },
  {
    id: 'pace-to-the-rate-limit',
    title: "Pace the calls to the downstream's rate limit",
    applies: ({ work }) => Number.isFinite(work.maxRatePerSecond),
    detail: (ctx) => {
      const { work, plan } = ctx;
      // The snippet's pacers: each an even share of the rate.
      const pacers = pacersOf(plan, RUNTIME_TRAITS[work.runtime].language);
      const share =
        pacers.count > 1
          ? `, ${fmt(work.maxRatePerSecond / pacers.count)} a second in each of the ${count(pacers.count, pacers.unit, pacers.unit === 'process' ? 'processes' : 'worker threads')}`
          : '';
      const library = !isPython(ctx)
        ? ' A library does the same: Bottleneck (minTime: the milliseconds between calls) or p-throttle.'
        : awaitsOnLoop(ctx)
          ? " A library does the same: aiolimiter's AsyncLimiter(rate, 1), entered before each call."
          : '';
      return `The downstream admits ${count(work.maxRatePerSecond, 'task')} a second, shared by every machine. The predicted time assumes each call waits its turn, and the code to start from paces them: pace() before each call takes the next free slot, 1 / rate after the last${share}.${library} Unpaced, the calls beyond the rate come back as 429s, and their retries add to the load.`;
    },
  },
  {
    id: 'minimal-lock-scope',
    title: 'Keep lock scope minimal',
    applies: (ctx) => usesThreads(ctx) && ctx.work.sharedState !== 'none',
    detail: () =>
      'Hold a lock only around the read-modify-write of shared data, never across IO or a long computation: a lock held while waiting turns parallel threads back into a queue.',
  },
  {
    id: 'lock-ordering',
    title: 'Avoid nested locks; take them in one global order',
    applies: (ctx) => usesThreads(ctx) && ctx.work.sharedState === 'read-write',
    detail: () =>
      'Two threads that take two locks in opposite orders deadlock. Hold one lock at a time where possible; where you must hold two, take them in one fixed global order. Use RLock only for re-entrant code paths, Condition to wait for a state change, and do not add locks blindly: each one is contention.',
  },
  {
    id: 'prefer-results-to-shared-state',
    title: 'Return results instead of sharing mutable state',
    applies: ({ work }) => work.sharedState === 'read-write',
    detail: (ctx) =>
      usesProcesses(ctx)
        ? `Processes do not share memory: read-write state goes through a server process (multiprocessing.Manager) or shared memory with a lock, and the model charges one round trip per task to it. Cheaper: make each task return its update and merge them in the parent.`
        : 'Let each task return its result and merge in the caller; a queue.Queue collects results safely without locks of your own.',
  },
  {
    id: 'queues-for-ipc',
    title: 'Pass data between processes through queues',
    applies: usesProcesses,
    detail: (ctx) =>
      isPython(ctx)
        ? "Send work and results through the pool (concurrent.futures) or a multiprocessing.Queue: each worker has its own copy of the module's globals (shared read-only after a fork, private once written), so a change one process makes to a global reaches neither the others nor the parent."
        : "Send work and results as messages (process.send with serialization: 'advanced'): each child has its own globals, so a change one makes reaches neither the others nor the parent.",
  },
  {
    id: 'chunk-small-tasks',
    title: 'Send tasks to processes in chunks',
    applies: (ctx) => usesProcesses(ctx) && ctx.plan.chunkSize > 1,
    detail: (ctx) => {
      const { plan, work } = ctx;
      // executor.map's chunksize runs a chunk's tasks one after another: right for processes, not for a hybrid,
      // whose chunk is spread over its process's threads or loop.
      const how = !isPython(ctx)
        ? `the snippet sends each child a range of ${fmt(plan.chunkSize)} tasks a message`
        : plan.model === 'hybrid'
          ? `the snippet submits each chunk to run_chunk, which spreads it over the process's ${innerOf(plan) === 'async' ? 'event loop' : 'threads'}`
          : `executor.map(fn, items, chunksize=${plan.chunkSize})`;
      return `Each message to a worker process costs a round trip; a chunk of ${fmt(plan.chunkSize)} tasks holds about ${fmtMs(plan.chunkSize * (work.cpuMs + work.waitMs))} of work, which amortises it (${how}).`;
    },
  },
  {
    id: 'batch-tiny-tasks',
    title: 'Batch tiny tasks, or keep them sequential',
    // Isolation is one task per message: a batch would be lost whole in a crash.
    applies: (ctx) =>
      ctx.plan.model === 'sequential'
        ? ctx.work.cpuMs + ctx.work.waitMs < 1
        : !ctx.work.needsIsolation && ctx.work.tasks * handOffMs(ctx) >= HAND_OFF_BUSY_SHARE * (ctx.prediction.wallMs - ctx.prediction.startupMs),
    detail: (ctx) => {
      const { work, plan, prediction, costs } = ctx;
      const batch = 'hand over batches of tens of milliseconds of work (one task that runs a slice of items; joblib aims at 0.2-2 s per batch), or vectorise the loop';
      if (plan.model === 'sequential') {
        return `One task is ${fmtTaskMs(work.cpuMs + work.waitMs)}, and each hand-off to a pool costs the dispatcher ${fmtTaskMs(costs.threadDispatchMs)} (a thread) or a ${fmtTaskMs(costs.processDispatchMs)} message round trip (a process): to go faster than one after another, ${batch}.`;
      }
      const handOff = handOffMs(ctx);
      const share =
        work.cpuMs <= 0
          ? ''
          : work.cpuMs > handOff
            ? `, ${fmt((100 * handOff) / work.cpuMs)}% of the task's ${fmtTaskMs(work.cpuMs)} of CPU`
            : `, more than the task's ${fmtTaskMs(work.cpuMs)} of CPU`;
      const limit = prediction.bottleneck === 'dispatcher' ? ', and the dispatcher is what limits this plan' : '';
      return `Handing one task to the ${usesProcesses(ctx) ? 'worker processes' : 'thread pool'} costs the dispatcher ${fmtTaskMs(handOff)}${share}: ${fmtMs(work.tasks * handOff)} of the run's ${fmtMs(prediction.wallMs - prediction.startupMs)}${limit}. Instead, ${batch}.`;
    },
  },
  {
    id: 'large-payloads-by-reference',
    title: 'Pass large data by reference, not by value',
    applies: (ctx) => ctx.work.payloadBytes >= LARGE_PAYLOAD_BYTES && payloadCopyMs(ctx) > 0,
    detail: (ctx) => {
      const moves = `Each task moves ${fmtBytes(ctx.work.payloadBytes)}`;
      const cost = `${fmtTaskMs(payloadCopyMs(ctx))} a task here`;
      if (isPython(ctx)) {
        return `${moves}; to a process it is pickled, piped and unpickled, ${cost}. Pass file paths, a multiprocessing.shared_memory block or a memory-mapped file (joblib memory-maps arrays over 1 MB; Ray uses a shared object store over 100 KB).${withoutCopy(ctx)}`;
      }
      return usesProcesses(ctx)
        ? `${moves}, serialised to a child process through its pipe, ${cost}. Pass a file path, or have the child read the data itself: a child process shares no memory with the parent.${withoutCopy(ctx)}`
        : `${moves}, structured-cloned to a worker thread, ${cost} as bytes in a Buffer (${fmtTaskMs(ctx.costs.threadSerializeMsPerMB)} per MiB); a parsed object of records clones at 17-33 ms per MiB (measured with the calibration). Send ArrayBuffers in the transfer list (moved without a copy) or a SharedArrayBuffer, or pass a file path and have the thread read and reduce the data, returning only what the main thread needs.${withoutCopy(ctx)}`;
    },
  },
  {
    id: 'start-method',
    title: 'Choose the process start method deliberately',
    applies: (ctx) => usesProcesses(ctx) && isPython(ctx),
    detail: ({ work }) =>
      work.runtime === 'pypy'
        ? "fork in a parent that already runs threads can deadlock the child on a lock held at the fork. PyPy's ProcessPoolExecutor runs with fork only (on PyPy 7.3.11, forkserver and spawn fail at the first submit), so create the pool before starting any thread, and keep the worker function importable at module level."
        : "fork in a parent that already runs threads can deadlock the child on a lock held at the fork; macOS defaults to spawn, and Python 3.14 moved POSIX to forkserver. Create the pool before starting threads, or pass mp_context=multiprocessing.get_context('forkserver'), and keep the worker function importable at module level.",
  },
  {
    id: 'copy-on-write-read-only-state',
    title: 'Share read-only state copy-on-write',
    applies: (ctx) => usesProcesses(ctx) && isPython(ctx) && ctx.work.sharedState === 'read-only',
    detail: ({ work }) =>
      work.runtime === 'pypy'
        ? 'Load read-only data before the pool forks so the children start with its pages. PyPy has no gc.freeze(), and its collector marks every object it visits in the object itself, so pages of many small objects are copied in each child as it collects; data kept in one large buffer (bytes, array, mmap) keeps its pages shared.'
        : 'Load read-only data before the pool forks so the children share its pages; call gc.freeze() first, since reference-count updates otherwise dirty and copy the pages. With spawn or forkserver, load it once per worker in an initializer instead of sending it with every task.',
  },
  {
    id: 'cap-native-threads',
    title: 'Cap the native threads of each worker',
    // One worker may use every core for its native threads; the cap matters where workers share the cores. Native
    // code that releases the GIL may be BLAS, unless a named workload says it is not (a driver, zlib, hashlib).
    applies: (ctx) =>
      workers(ctx) > 1 && (ctx.work.threadsPerTask > 1 || (usesProcesses(ctx) && ctx.work.gilReleasedShare > 0 && ctx.work.mayCallBlas)),
    detail: (ctx) => {
      const perWorker = nativeThreadsPerTask(ctx.work, workers(ctx));
      const ownSetting = "torch.set_num_threads, ffmpeg's -threads, an encoder's thread count";
      if (!ctx.work.mayCallBlas) {
        return `Each task runs ${count(ctx.work.threadsPerTask, 'native thread')}, and ${count(workers(ctx), 'worker')} share ${count(ctx.work.cores, 'core')}: set each one's thread count to ${perWorker} with the library's own setting (${ownSetting}); the prediction assumes it.`;
      }
      return `If the tasks call NumPy/BLAS or OpenMP code, it starts a thread per core in every worker unless capped: ${count(workers(ctx), 'worker')} would start ${fmt(workers(ctx) * ctx.work.cores)} threads on ${count(ctx.work.cores, 'core')}. Set OMP_NUM_THREADS, OPENBLAS_NUM_THREADS, MKL_NUM_THREADS and NUMEXPR_NUM_THREADS to ${perWorker} in each worker (joblib does the same: cores / workers), or use threadpoolctl; other native libraries have a setting of their own (${ownSetting}).`;
    },
  },
  {
    id: 'gil-release-check',
    title: 'Check that the native code really releases the GIL',
    applies: (ctx) =>
      RUNTIME_TRAITS[ctx.work.runtime].hasGil && ctx.work.gilReleasedShare > 0 && ctx.plan.model === 'threads',
    detail: ({ work }) =>
      `The plan relies on ${fmt(work.gilReleasedShare * 100)}% of the CPU time releasing the GIL. hashlib releases it only for inputs over 2 KB, and NumPy only inside its loops: time 1 vs ${fmt(work.cores)} threads on a sample and send the measured share.`,
  },
  {
    id: 'free-threaded-gil-check',
    title: 'Confirm the GIL stays off',
    applies: ({ work }) => work.runtime === 'cpython-free-threaded',
    detail: () =>
      'Importing an extension not marked free-thread-safe turns the GIL back on for the whole process, with no more than a RuntimeWarning. Check sys._is_gil_enabled() after your imports. PYTHON_GIL=0 (or -X gil=0) keeps the GIL off anyway, at the risk of that extension\'s thread safety: prefer free-threaded builds (cp313t wheels) of your extensions.',
  },
  {
    id: 'isolate-crashes',
    title: 'Recover from a crashed worker',
    applies: (ctx) => ctx.work.needsIsolation && usesProcesses(ctx),
    detail: (ctx) =>
      isPython(ctx)
        ? `A worker killed by a crash or the OOM killer breaks a ProcessPoolExecutor: every task in flight fails with BrokenProcessPool, the culprit among them. ${
            ctx.plan.model === 'processes' ? 'The skeleton runs' : 'Catch it and run'
          } those again one at a time on a pool of one, where a crash names its own task, and ${ctx.plan.model === 'processes' ? 'goes' : 'go'} on with a fresh pool; ${
            ctx.plan.model === 'processes' ? 'a task that raises is caught in its worker and recorded as failed' : 'catch what a task raises in its worker, so that it fails alone'
          }.${
            ctx.work.runtime === 'pypy'
              ? ' To recycle workers that leak, restart the pool every few hundred tasks (PyPy has no max_tasks_per_child).'
              : ' max_tasks_per_child (3.11+) recycles workers that leak; it starts them with spawn rather than fork, so each pays an interpreter start-up.'
          }`
        : ctx.plan.model === 'processes'
          ? 'A child that dies exits with a code or a signal: the skeleton records the one task it held, forks a replacement and goes on, and a task that throws is caught in its child and reported. Recycle a child after a few hundred tasks if it leaks.'
          : 'A child that dies exits with a code or a signal, and every task it held is lost: record them, fork a replacement and go on. Recycle a child after a few hundred tasks if it leaks.',
  },
  {
    id: 'asyncio-for-high-fan-out',
    title: 'Use an event loop for very high fan-out',
    // ThreadPoolExecutor's own default stops at 32 threads; beyond that an event loop is the better tool.
    applies: (ctx) => isPython(ctx) && ctx.kind === 'io-bound' && usesThreads(ctx) && ctx.plan.threadsPerProcess > 32,
    detail: ({ plan }) =>
      `A thread per wait is fine to a few dozen and costly at hundreds (an 8 MB stack each, a GIL hand-off on every wake; this plan uses ${count(plan.threadsPerProcess, 'thread')} per process). For thousands, asyncio with an async client (aiohttp, httpx, asyncpg) overlaps them on one thread with no per-thread stack; it needs async libraries end to end.`,
  },
  {
    id: 'asyncio-end-to-end',
    title: 'Await every wait: async clients end to end, blocking calls on a thread',
    applies: (ctx) => isPython(ctx) && awaitsOnLoop(ctx),
    detail: ({ plan }) =>
      `One blocking call (requests, time.sleep, a sync database driver) stalls every task on the loop. Use async clients (aiohttp, httpx.AsyncClient, asyncpg) with their own limit set to the plan's ${fmt(plan.threadsPerProcess)} in flight per loop (aiohttp's TCPConnector(limit=...), httpx.Limits(max_connections=...)), and send the blocking calls that remain through asyncio.to_thread.`,
  },
  {
    id: 'libuv-threadpool',
    title: "Size libuv's thread pool for fs, dns, zlib and crypto",
    // The pool is one per process, shared by its event loop and its worker threads alike.
    applies: (ctx) =>
      ctx.work.runtime === 'node' && ctx.work.waitMs > 0 && ctx.plan.model !== 'sequential' && ctx.plan.model !== 'processes' && ctx.plan.threadsPerProcess > 4,
    detail: (ctx) => {
      const { plan } = ctx;
      const shared = usesThreads(ctx) ? ', one pool per process that its worker threads share' : '';
      const where = plan.model === 'hybrid' ? ' in each process' : '';
      return `The async functions of fs, zlib and crypto, and dns.lookup (which net, http and fetch call for each new connection), run on libuv's pool of 4 threads${shared}, not on the event loop: with ${fmt(plan.threadsPerProcess)} tasks in flight${where}, such calls beyond 4 at once wait for a pool thread. Where the tasks' waits or CPU are such calls, set UV_THREADPOOL_SIZE=${Math.min(1024, plan.threadsPerProcess)} (at most 1,024) in the environment before Node starts: the estimates assume it; the sockets themselves do not use the pool.`;
    },
  },
  {
    id: 'keep-event-loop-free',
    title: 'Keep the event loop free',
    applies: (ctx) => ctx.work.runtime === 'node' && (usesEventLoop(ctx) || handsCpuToThreads(ctx.plan)),
    detail: (ctx) => {
      const { work, plan, prediction } = ctx;
      const cpu = fmtTaskMs(work.cpuMs);
      if (handsCpuToThreads(ctx.plan)) {
        return `The plan keeps the event loop for IO: each task's ${cpu} of CPU runs on a piscina thread, and the loop spends ${fmtTaskMs(handOffMs(ctx))} handing it over and then awaits its waits. Only your own code's CPU moves (parsing a page, transforming rows): what the HTTP client or database driver spends decoding responses runs on the loop.${ifCpuStaysOnLoop(ctx)} ${SYNC_CALLS_STOP_THE_LOOP}`;
      }
      const hybrid = plan.model === 'hybrid';
      const busy = `Node overlaps the waits on one thread, with no thread per task; each task's ${cpu} of CPU runs on ${hybrid ? "its process's" : 'the'} event loop, and no other task's callbacks run meanwhile. Over the run ${hybrid ? 'each' : 'the'} loop is busy ${fmtMs(prediction.serialBusyMs)} of the ${fmtMs(prediction.wallMs)}`;
      if (prediction.bottleneck !== 'event-loop') return `${busy}. ${SYNC_CALLS_STOP_THE_LOOP}`;
      // The loop limits the plan: what moving the CPU off it is predicted to give, which is not always a gain.
      const offload = ctx.estimates.find((e) => handsCpuToThreads(e.plan) && e.viable);
      const moved = offload
        ? ` Handing each task's CPU to a piscina pool instead (async+threads) is predicted at ${fmtMs(offload.prediction.wallMs)}${offload.prediction.wallMs < prediction.wallMs ? '' : ', no faster'}.`
        : '';
      return `${busy}, and that is what limits the plan.${moved} ${SYNC_CALLS_STOP_THE_LOOP}`;
    },
  },
  {
    id: 'timeouts-and-cancellation',
    title: 'Give every task a timeout, and cancel on shutdown',
    applies: ({ kind }) => kind !== 'cpu-bound',
    detail: (ctx) =>
      !isPython(ctx)
        ? 'Pass an AbortSignal with a timeout (AbortSignal.timeout(ms)) to every fetch or query, and abort queued work on shutdown.'
        : awaitsOnLoop(ctx)
          ? ctx.work.runtime === 'pypy'
            ? "A wait with no timeout holds its place in flight forever: wrap each call in asyncio.wait_for(call, seconds) (PyPy's Python has no asyncio.timeout, which is 3.11), or give the client a timeout; catch inside each task the errors it may survive, since the first one it lets out ends the batch."
            : 'A wait with no timeout holds its place in flight forever: wrap each call in asyncio.timeout(seconds) (3.11+), or give the client a timeout; a TaskGroup cancels the other tasks when one fails, so catch the errors a task may survive inside it.'
          : 'A wait with no timeout can hold a worker forever: set timeouts on every network call, and on shutdown call executor.shutdown(cancel_futures=True) so queued tasks do not start.',
  },
];

export function practicesFor(ctx: PracticeContext): Practice[] {
  return RULES.filter((rule) => rule.applies(ctx)).map((rule) => ({
    id: rule.id,
    title: rule.title,
    detail: rule.detail(ctx),
  }));
}
