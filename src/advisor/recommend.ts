import type { Costs } from './costs/index.js';
import { handOffMsPerTask, payloadSendMs, planCost, predict, type Prediction } from './model/estimate.js';
import { handsCpuToThreads, type ExecutionModel, type InnerModel, type Plan } from './plan.js';
import { RUNTIME_TRAITS, simplicityRank } from './runtimes.js';
import {
  asyncConcurrency,
  hybridChunkSize,
  nativeThreadsPerTask,
  processChunkSize,
  goetzThreads,
  inFlightToKeepUp,
  processesWithinMemory,
  rateConcurrency,
  threadCount,
  workerHeaps,
} from './model/sizing.js';
import { count, fmt } from './format.js';
import { computeWallMs, type Work } from './work.js';

/** A simpler model is kept when its predicted wall time is within this share of the fastest's. */
export const SIMPLER_WITHIN = 0.05;

/**
 * It is kept too when what it leaves on the table is under this share of the sequential time (a job cut
 * from 5 minutes to 2.2 s by threads needs no hybrid to reach 2 s), but only while the faster plan's gain
 * is small in relative terms as well: see MAX_SLOWDOWN_OF_SIMPLER.
 */
export const NEGLIGIBLE_GAIN_OF_SEQUENTIAL = 0.01;

/**
 * A simpler model is never kept over a plan this many times faster, however small the gain is against the
 * sequential time: 20 s of threads against 2.9 s of a hybrid is a 7x slower answer, not a simpler one.
 */
export const MAX_SLOWDOWN_OF_SIMPLER = 1.25;

export interface Estimate {
  plan: Plan;
  prediction: Prediction;
  viable: boolean;
  /** Why the model cannot be used; absent when it can. */
  notViable?: string;
}

const sequentialPlan: Plan = { model: 'sequential', processes: 1, threadsPerProcess: 1, chunkSize: 1 };

/** The batch run one task after another: the baseline every speed-up is against. */
export function sequentialWallMs(work: Work, costs: Costs): number {
  return predict(work, sequentialPlan, costs).wallMs;
}

function perTaskMs(work: Work, workers: number): number {
  return computeWallMs(work, nativeThreadsPerTask(work, workers)) + work.waitMs;
}

/**
 * A larger sizing costs memory and start-up, so the smallest within this share of the fastest sizing is taken:
 * a larger one must be this much faster than it.
 */
export const LARGER_SIZE_GAIN = 0.01;

/** Sizings beyond Goetz's count that are also weighed: the GIL convoy and uneven waits favour more threads. */
const THREAD_HEADROOM = [1, 2, 4] as const;

/** A hybrid has at least two processes, each holding at least two tasks: with fewer it is another model. */
const HYBRID_LEAST = 2;

/** A sizing that takes `wallMs` is close enough to the fastest's `fastestMs`: none is LARGER_SIZE_GAIN faster. */
const closeToFastest = (wallMs: number, fastestMs: number) => wallMs * (1 - LARGER_SIZE_GAIN) <= fastestMs;

/**
 * Of several sizings of one model, listed smallest first, the smallest within LARGER_SIZE_GAIN of the fastest.
 * Only the sizings that can change the answer are solved. The fastest: the sizing with the lowest floor
 * first, then any whose floor is under the fastest found so far (one at or over it cannot be faster). Then,
 * in order, the first close enough to it, passing over any whose floor is not.
 */
function fastest(work: Work, plans: Plan[], costs: Costs): { plan: Plan; prediction: Prediction } {
  const weighed = plans.map((plan) => planCost(work, plan, costs));
  const predictions: Array<Prediction | undefined> = [];
  const predictionOf = (i: number) => (predictions[i] ??= weighed[i]!.predict());
  const lowest = weighed.reduce((low, { floorMs }, i) => (floorMs < weighed[low]!.floorMs ? i : low), 0);
  let fastestMs = weighed.length > 0 ? predictionOf(lowest).wallMs : Number.POSITIVE_INFINITY;
  for (let i = 0; i < weighed.length; i++) {
    if (weighed[i]!.floorMs < fastestMs) fastestMs = Math.min(fastestMs, predictionOf(i).wallMs);
  }
  for (let i = 0; i < plans.length; i++) {
    if (!closeToFastest(weighed[i]!.floorMs, fastestMs)) continue;
    const prediction = predictionOf(i);
    if (closeToFastest(prediction.wallMs, fastestMs)) return { plan: plans[i]!, prediction };
  }
  throw new Error(plans.length === 0 ? 'no plan to weigh' : `no sizing's prediction is a number: ${fastestMs}`);
}

/**
 * Process counts to weigh: up to twice the cores, since a few long tasks finish sooner time-sliced over
 * more processes than in rounds (3 x 100 ms on 2 cores: 4 processes 160 ms, 2 processes 200 ms, measured).
 */
function processCounts(work: Work): number[] {
  const most = Math.max(1, Math.min(2 * work.cores, work.tasks, work.maxConcurrency, processesWithinMemory(work)));
  // Every count up to 16, then steps of about 10% (and the cores themselves), so 1,024 cores cost ~60 plans.
  const counts: number[] = [];
  for (let n = 1; n <= most; n = n < 16 ? n + 1 : Math.ceil(n * 1.1)) counts.push(n);
  if (counts[counts.length - 1] !== most) counts.push(most);
  if (work.cores <= most && !counts.includes(work.cores)) counts.splice(counts.findIndex((n) => n > work.cores), 0, work.cores);
  return counts;
}

/**
 * The process counts that keep up with a rate limit with RATE_HEADROOM, one task each: fewer only fall behind
 * when tasks run long. 3 processes exactly keep up with 5 calls a second of 0.6 s on paper, and measured
 * 13.1-15.4 s where 4 took 11.9-13.3 s (60 tasks, with jitter or real CPU). All of them when none keeps up.
 */
function processesUnderRate(counts: number[], work: Work): number[] {
  const least = rateConcurrency(work);
  const keepingUp = counts.filter((n) => n >= least);
  return keepingUp.length > 0 ? keepingUp : counts;
}

/** `base`, then `base` times each headroom factor, none over `most` (unless base is), each once, smallest first. */
function withHeadroom(base: number, most: number): number[] {
  const cap = Math.max(base, most);
  const sizes: number[] = [];
  for (const factor of THREAD_HEADROOM) {
    const size = Math.min(base * factor, cap);
    if (sizes[sizes.length - 1] !== size) sizes.push(size);
  }
  return sizes;
}

/**
 * `sizes` with `fewer` first where it is smaller: the tasks in flight that keep up with a rate limit or a
 * dispatcher (`fewer`) are weighed beside the sizes for the waits, and win where they are as fast (within
 * LARGER_SIZE_GAIN). Weighed beside, not instead: where they are slower the usual sizes still stand.
 */
function withFewer(sizes: number[], fewer: number, least: number): number[] {
  const capped = Math.max(least, fewer);
  return capped < sizes[0]! ? [capped, ...sizes] : sizes;
}

/**
 * Thread counts for one process: Goetz's, then with headroom, within the same limits; and the process's share
 * of what keeps up with a rate limit or its dispatcher (`fewer`), where that is less.
 */
function threadCounts(work: Work, costs: Costs, coresForProcess: number, concurrencyLimit: number, least: number, fewer: number): number[] {
  const base = Math.max(least, threadCount(work, costs, coresForProcess, concurrencyLimit));
  return withFewer(withHeadroom(base, Math.max(least, Math.min(work.tasks, concurrencyLimit, costs.maxThreadsPerProcess))), fewer, least);
}

/** Tasks in flight for one event loop: Goetz's for one core, then with headroom; a loop needs no cap of its own. */
function loopConcurrencies(work: Work, costs: Costs, concurrencyLimit: number, least: number, fewer: number): number[] {
  const base = Math.max(least, asyncConcurrency(work, costs, concurrencyLimit));
  return withFewer(withHeadroom(base, Math.max(least, Math.min(work.tasks, concurrencyLimit))), fewer, least);
}

/**
 * Tasks in flight for an event loop that hands each task's CPU to one thread per core: Goetz's count for all
 * the cores, then with headroom; the loop holds the waits, so no thread cap applies.
 */
function offloadConcurrencies(work: Work, concurrencyLimit: number): number[] {
  const limit = Math.min(work.tasks, concurrencyLimit);
  return withFewer(withHeadroom(Math.max(1, Math.min(goetzThreads(work, work.cores), limit)), limit), rateConcurrency(work), 1);
}

/**
 * Threads one dispatcher keeps busy: it hands out a task every hand-off and payload copy, and more threads only
 * wait for it. Node threads sent 4 MB a task (4.3 ms of cloning) for 12 ms of work keep 4 busy, not 10; a
 * Python pool, which copies nothing, keeps thousands.
 */
function dispatcherFeeds(work: Work, costs: Costs): number {
  const plan: Plan = { model: 'threads', inner: 'threads', processes: 1, threadsPerProcess: 1, chunkSize: 1 };
  const perTaskMs = handOffMsPerTask(plan, costs) + payloadSendMs(work, plan, costs);
  return inFlightToKeepUp(work, perTaskMs > 0 ? 1000 / perTaskMs : Number.POSITIVE_INFINITY);
}

/** Node worker threads the memory limit allows, each a V8 isolate with its own heap; unlimited elsewhere. */
function isolateLimit(work: Work): number {
  return RUNTIME_TRAITS[work.runtime].language === 'javascript' ? processesWithinMemory(work) : Number.POSITIVE_INFINITY;
}

/** One execution model as weighed: async and hybrid once per inner model. */
export interface Candidate {
  model: ExecutionModel;
  inner?: InnerModel;
}

/** The candidates of each runtime, simplest first: its models, with a hybrid of thread pools and one of event loops. */
const CANDIDATES = new Map(
  Object.entries(RUNTIME_TRAITS).map(([runtime, { models }]) => [
    runtime,
    models.flatMap((model): Candidate[] => {
      if (model === 'hybrid') return [{ model, inner: 'threads' }, { model, inner: 'async' }];
      // An event loop alone, or one that sends each task's CPU to a small thread pool.
      if (model === 'async') return [{ model, inner: 'async' }, { model, inner: 'threads' }];
      if (model === 'threads') return [{ model, inner: 'threads' }];
      return [{ model }];
    }),
  ]),
);

export function candidatesFor(work: Pick<Work, 'runtime'>): readonly Candidate[] {
  return CANDIDATES.get(work.runtime)!;
}

function plansFor({ model, inner }: Candidate, work: Work, costs: Costs, counts: number[]): Plan[] {
  switch (model) {
    case 'sequential':
      return [sequentialPlan];
    case 'async':
      return (inner === 'threads' ? offloadConcurrencies(work, work.maxConcurrency) : loopConcurrencies(work, costs, work.maxConcurrency, 1, rateConcurrency(work))).map(
        (inFlight) => ({ model, processes: 1, threadsPerProcess: inFlight, chunkSize: 1, inner: inner ?? 'async' }),
      );
    case 'threads':
      return threadCounts(work, costs, work.cores, Math.min(work.maxConcurrency, isolateLimit(work)), 1, Math.min(rateConcurrency(work), dispatcherFeeds(work, costs))).map((threads) => ({
        model,
        processes: 1,
        threadsPerProcess: threads,
        chunkSize: 1,
        inner: 'threads',
      }));
    case 'processes':
      return processesUnderRate(counts, work).map((processes) => ({
        model,
        processes,
        threadsPerProcess: 1,
        // Isolation: one task per message, so a crash loses the one task its process holds.
        chunkSize: work.needsIsolation
          ? 1
          : processChunkSize(work.tasks, processes, perTaskMs(work, processes), work.payloadBytes, {
              messageMs: costs.processDispatchMs,
              itemMs: costs.processItemMs,
            }),
      }));
    case 'hybrid': {
      const plans: Plan[] = [];
      for (const processes of counts) {
        // One process of threads or a loop is the threads or async model moved out of the caller's process.
        if (processes < HYBRID_LEAST) continue;
        if (processes > work.cores || processes * HYBRID_LEAST > work.maxConcurrency) break;
        // Its share of the limit, and no more than the tasks a process gets.
        const share = Math.min(Math.floor(work.maxConcurrency / processes), Math.ceil(work.tasks / processes));
        const rateShare = Math.ceil(rateConcurrency(work) / processes);
        const perProcess =
          inner === 'async'
            ? loopConcurrencies(work, costs, share, HYBRID_LEAST, rateShare)
            : threadCounts(work, costs, work.cores / processes, Math.min(share, Math.floor(isolateLimit(work) / processes)), HYBRID_LEAST, rateShare);
        for (const workers of perProcess) {
          plans.push({ model, processes, threadsPerProcess: workers, chunkSize: hybridChunkSize(work.tasks, processes, workers), inner: inner ?? 'threads' });
        }
      }
      // Where no hybrid fits (one core, one task, a limit under 4 or memory), the least one is weighed, and its
      // row says which constraint rules it out: within the memory for workers, so that it is no faster than
      // the other plans when none is viable.
      if (plans.length === 0) {
        const processes = Math.min(HYBRID_LEAST, Math.max(1, processesWithinMemory(work)));
        const chunkSize = hybridChunkSize(work.tasks, processes, HYBRID_LEAST);
        plans.push({ model, processes, threadsPerProcess: HYBRID_LEAST, chunkSize, inner: inner ?? 'threads' });
      }
      return plans;
    }
  }
}

/** A memory figure of the profile: both are set wherever the memory limit binds. */
function megabytes(mb: number | undefined): string {
  return `${fmt(mb ?? 0)} MB`;
}

/** Why a model cannot serve this profile, or undefined when it can. */
function constraintViolation(model: ExecutionModel, plan: Plan, work: Work): string | undefined {
  const inCallerProcess = model === 'sequential' || model === 'threads' || model === 'async';
  if (work.needsIsolation && inCallerProcess) {
    // One wording for every model in the caller's process, so a list of reasons says it once.
    return "needsIsolation: the tasks run inside the caller's process, so one crash or leak takes the whole batch down; a pool of worker processes isolates them.";
  }
  if (work.needsIsolation && model === 'hybrid') {
    return 'needsIsolation: a process that holds several tasks at once loses them all in one crash; isolation is one task per process at a time.';
  }
  if (work.cpuInClient && handsCpuToThreads(plan)) {
    return "the tasks' CPU is their client's (decoding a reply, a driver's rows), which runs on the event loop that awaits the call: a thread pool cannot take it.";
  }
  if (work.blockingWaits && work.waitMs > 0 && (model === 'async' || plan.inner === 'async')) {
    return 'blockingWaits: the tasks block while they wait, and an event loop would stall on every wait; rewritten to await (asyncio, aiohttp, an async driver), they could run this way.';
  }
  if (model === 'hybrid' && plan.processes > work.cores) {
    return `a hybrid runs ${plan.processes} processes, more than the ${count(work.cores, 'core')}: they would take turns on ${work.cores === 1 ? 'it' : 'them'}, where threads or an event loop in one process do the same work.`;
  }
  if (model === 'hybrid' && work.tasks < HYBRID_LEAST) {
    return `a hybrid runs ${HYBRID_LEAST} processes at the least, and there is only the one task.`;
  }
  if (model === 'hybrid' && plan.processes * plan.threadsPerProcess > work.maxConcurrency) {
    return `maxConcurrency ${work.maxConcurrency} leaves no room for two ${plan.inner === 'async' ? 'tasks on each process\'s event loop' : 'threads in each process'}.`;
  }
  const memoryCap = processesWithinMemory(work);
  if (memoryCap < 1) {
    return `one worker needs ${megabytes(work.memoryMbPerWorker)}, more than the ${megabytes(work.memoryLimitMb)} limit.`;
  }
  const heaps = workerHeaps(plan, work);
  if (heaps > memoryCap) {
    return `${fmt(heaps)} workers with a heap each (${RUNTIME_TRAITS[work.runtime].language === 'javascript' ? 'every Node worker thread is a V8 isolate' : 'one per process'}) need ${megabytes(heaps * (work.memoryMbPerWorker ?? 0))}, over the ${megabytes(work.memoryLimitMb)} limit.`;
  }
  if (model === 'hybrid' && plan.processes < HYBRID_LEAST) {
    return `a hybrid needs ${HYBRID_LEAST} processes, and the ${megabytes(work.memoryLimitMb)} limit holds one worker of ${megabytes(work.memoryMbPerWorker)}.`;
  }
  return undefined;
}

/** Plans whose workers fit the memory limit; all of them when none does, so the estimate says why. */
function withinMemory(plans: Plan[], work: Work): Plan[] {
  const cap = processesWithinMemory(work);
  if (cap === Number.POSITIVE_INFINITY) return plans;
  const fitting = plans.filter((plan) => workerHeaps(plan, work) <= cap);
  return fitting.length > 0 ? fitting : plans;
}

/** The sizings of a candidate that are weighed, smallest first (the process counts shared by all candidates). */
export function sizingsFor(candidate: Candidate, work: Work, costs: Costs, counts = processCounts(work)): Plan[] {
  return withinMemory(plansFor(candidate, work, costs, counts), work);
}

export function estimateAll(work: Work, costs: Costs): Estimate[] {
  const counts = processCounts(work);
  return candidatesFor(work).map((candidate) => {
    const { plan, prediction } = fastest(work, sizingsFor(candidate, work, costs, counts), costs);
    const notViable = constraintViolation(candidate.model, plan, work);
    return notViable
      ? { plan, prediction, viable: false, notViable }
      : { plan, prediction, viable: true };
  });
}

export function fastestOf(estimates: Estimate[]): Estimate {
  return estimates.reduce((a, b) => (b.prediction.wallMs < a.prediction.wallMs ? b : a));
}

/**
 * The simpler model is close enough to `best`: within SIMPLER_WITHIN of it, or a negligible gain away that is
 * also within MAX_SLOWDOWN_OF_SIMPLER of it.
 */
export function closeEnough(candidate: Estimate, best: Estimate, sequentialMs: number): boolean {
  const wall = candidate.prediction.wallMs;
  const bestWall = best.prediction.wallMs;
  if (wall <= bestWall * (1 + SIMPLER_WITHIN)) return true;
  return wall - bestWall <= sequentialMs * NEGLIGIBLE_GAIN_OF_SEQUENTIAL && wall <= bestWall * MAX_SLOWDOWN_OF_SIMPLER;
}

/**
 * The fastest viable estimate, unless a simpler one is close enough to it. Of the simplest close enough, the
 * fastest; but for Node, where tasks wait, an event loop is kept within SIMPLER_WITHIN of worker threads of
 * the same rank: the loop is how Node waits, and a worker thread needs a heap and a client of its own. Python
 * gets no such rule: near a tie its loops measured faster than its thread pools (docs/benchmarks.md).
 * With nothing viable, the fastest of all, so that the client still gets sizes to start from.
 */
export function choose(estimates: Estimate[], sequentialMs: number, work?: Pick<Work, 'runtime' | 'waitMs'>): Estimate {
  const viable = estimates.filter((e) => e.viable);
  const pool = viable.length > 0 ? viable : estimates;
  const best = fastestOf(pool);
  const close = pool.filter((e) => closeEnough(e, best, sequentialMs));
  const rank = Math.min(...close.map((e) => simplicityRank(e.plan)));
  const fastestSimplest = fastestOf(close.filter((e) => simplicityRank(e.plan) === rank));
  if (work?.runtime !== 'node' || work.waitMs === 0 || fastestSimplest.plan.inner !== 'threads') return fastestSimplest;
  const loops = close.filter((e) => simplicityRank(e.plan) === rank && e.plan.inner === 'async');
  if (loops.length === 0) return fastestSimplest;
  const loop = fastestOf(loops);
  return loop.prediction.wallMs <= fastestSimplest.prediction.wallMs * (1 + SIMPLER_WITHIN) ? loop : fastestSimplest;
}
