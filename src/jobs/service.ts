import { setMaxListeners } from 'node:events';
import PQueue from 'p-queue';
import type { Plan } from '../advisor/plan.js';
import type { CompareRequest, CompareResult, JobRequest, JobResult, PoolsReply, Sample } from './schema.js';
import { GIL_POOLS } from './schema.js';
import { hybridChunkSize, processChunkSize } from '../advisor/model/sizing.js';
import { adviseSample, compareRows, plannedRuns, poolRuns, predictedWallMs, sampleFromProfile, verdict } from './compare.js';
import { JOB_DEFAULTS, type JobLimits } from './defaults.js';
import { jittered, JobError, JobErrors } from './errors.js';
import { PoolRegistry, type PoolShape } from './pools.js';
import { measureRun, type Measured, type Progress, type SampleWork } from './runner.js';

export interface JobServiceOptions {
  limits: JobLimits;
  /** Cores the pools may use: resident pool sizes and the predictions assume them. */
  cores: number;
  /** Threads in each process of the resident hybrid pool. */
  hybridThreads: number;
  /** Retry-After of a 503 when the pools cannot take a job (not started, shutting down). */
  unavailableRetryAfterSeconds: number;
  onPoolError: (error: Error) => void;
}

function percentile(sorted: number[], share: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)]!;
}

function taskTimes(taskMs: number[]) {
  const sorted = [...taskMs].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), max: sorted[sorted.length - 1] ?? 0 };
}

function sequentialMsOf(work: SampleWork): number {
  return work.tasks * (work.cpuMsPerTask + work.waitMsPerTask);
}

/** A rough length of a run, for Retry-After: CPU shared by the cores, waits by the workers. */
function expectedRunMs(work: SampleWork, parallel: number, cores: number): number {
  return (work.tasks * work.cpuMsPerTask) / Math.min(parallel, cores) + (work.tasks * work.waitMsPerTask) / parallel;
}

const SEQUENTIAL: Plan = { model: 'sequential', processes: 1, threadsPerProcess: 1, chunkSize: 1 };

/** The job's plan, with the defaults a user would pick: the cores, and the advisor's chunking rules. */
function planOf(request: JobRequest, cores: number): Plan {
  const perTaskMs = request.cpuMsPerTask + request.waitMsPerTask;
  switch (request.pool) {
    case 'sequential':
      return SEQUENTIAL;
    case 'async':
      return { model: 'async', processes: 1, threadsPerProcess: request.workers ?? request.tasks, chunkSize: 1 };
    case 'threads':
      return { model: 'threads', processes: 1, threadsPerProcess: request.workers ?? cores, chunkSize: 1 };
    case 'processes': {
      const workers = request.workers ?? cores;
      const chunkSize = request.chunkSize ?? processChunkSize(request.tasks, workers, perTaskMs, request.payloadBytesPerTask);
      return { model: 'processes', processes: workers, threadsPerProcess: 1, chunkSize };
    }
    case 'hybrid': {
      const workers = request.workers ?? cores;
      const threads = request.threadsPerProcess ?? JOB_DEFAULTS.hybridThreads;
      return { model: 'hybrid', processes: workers, threadsPerProcess: threads, chunkSize: request.chunkSize ?? hybridChunkSize(request.tasks, workers, threads) };
    }
  }
}

/** A job reply's sizes: `workers` counts threads, processes or tasks in flight; threadsPerProcess is the hybrid's. */
function jobSizes(plan: Plan): { workers: number; threadsPerProcess: number } {
  switch (plan.model) {
    case 'sequential':
      return { workers: 1, threadsPerProcess: 1 };
    case 'async':
    case 'threads':
      return { workers: plan.threadsPerProcess, threadsPerProcess: 1 };
    case 'processes':
    case 'hybrid':
      return { workers: plan.processes, threadsPerProcess: plan.threadsPerProcess };
  }
}

function notesFor(request: JobRequest, plan: Plan, gilEmulated: boolean, baselineMeasured: boolean): string[] {
  const notes = [
    baselineMeasured
      ? 'The speed-up is against a sequential run of the same sample, measured in this request.'
      : 'The speed-up is against tasks x (cpuMsPerTask + waitMsPerTask); send baseline: true to measure a sequential run instead.',
  ];
  if (gilEmulated) {
    notes.push("CPython's GIL was emulated: one lock per process, held while a thread computes and handed over every 5 ms. It is an emulation, not CPython.");
  } else if (request.gil) {
    notes.push(`gil: true applies to the threads and hybrid pools; on ${plan.model} each worker runs alone in its process or loop, so it changes nothing.`);
  }
  if (request.payloadBytesPerTask > 0 && (plan.model === 'async' || plan.model === 'sequential')) {
    notes.push('The payload crosses no boundary here: on one event loop nothing is copied, so it costs nothing.');
  }
  return notes;
}

/**
 * Sample jobs on real pools, one at a time so that each is measured alone, with a bounded queue behind
 * it. Every job has a deadline and is cancelled when it passes, when its client goes away, or at shutdown.
 */
export class JobService {
  readonly limits: JobLimits;
  readonly cores: number;
  iterationsPerMs = 0;
  readonly #registry: PoolRegistry;
  readonly #queue = new PQueue({ concurrency: 1 });
  readonly #shutdown = new AbortController();
  readonly #hybridThreads: number;
  readonly #retryAfterSeconds: number;
  #started = false;
  #draining = false;
  #pendingMs = 0;

  constructor(options: JobServiceOptions) {
    this.limits = options.limits;
    this.cores = options.cores;
    this.#hybridThreads = options.hybridThreads;
    this.#retryAfterSeconds = options.unavailableRetryAfterSeconds;
    this.#registry = new PoolRegistry(options.onPoolError);
  }

  get ready(): boolean {
    return this.#started && !this.#draining;
  }

  /** Refuses new jobs; queued and running ones go on until cancelAll. */
  beginShutdown(): void {
    this.#draining = true;
  }

  /** Starts the resident pools and measures the CPU burn's speed on this machine. */
  async start(): Promise<void> {
    const resident: PoolShape[] = [
      { kind: 'threads', processes: 1, threadsPerProcess: this.cores },
      { kind: 'processes', processes: this.cores, threadsPerProcess: 1 },
      { kind: 'hybrid', processes: this.cores, threadsPerProcess: this.#hybridThreads },
      { kind: 'event-loop', processes: 1, threadsPerProcess: 1 },
    ];
    await this.#registry.startResident(resident);
    const { pool } = await this.#registry.acquire(resident[0]!);
    this.iterationsPerMs = await pool.run<number>(undefined, { name: 'calibrate' });
    this.#started = true;
  }

  async runJob(request: JobRequest, clientSignal: AbortSignal): Promise<JobResult> {
    const plan = planOf(request, this.cores);
    const work: SampleWork = { ...request };
    const parallel = plan.processes * plan.threadsPerProcess;
    const expectedMs = expectedRunMs(work, parallel, this.cores) + (request.baseline ? sequentialMsOf(work) : 0);
    const total = request.tasks * (request.baseline ? 2 : 1);
    return this.#admit(expectedMs, request.timeoutMs, total, clientSignal, plan.model, async (signal, progress) => {
      // The baseline runs the same tasks without the crash, which is the job's to show.
      const baselineWork: SampleWork = { ...work, crash: undefined };
      const baseline = request.baseline ? await this.#measure(SEQUENTIAL, baselineWork, signal, progress) : undefined;
      const run = await this.#measure(plan, work, signal, progress);
      const baselineMs = baseline?.wallMs ?? sequentialMsOf(work);
      const speedup = baselineMs / run.wallMs;
      const gilEmulated = request.gil && GIL_POOLS.includes(plan.model);
      return {
        pool: plan.model,
        ...jobSizes(plan),
        chunkSize: plan.chunkSize,
        tasks: request.tasks,
        wallMs: run.wallMs,
        startupMs: run.startupMs,
        cpuMs: run.cpuMs,
        speedup,
        efficiency: speedup / Math.min(parallel, request.tasks),
        taskMs: taskTimes(run.taskMs),
        baselineMs,
        baselineMeasured: baseline !== undefined,
        gilEmulated,
        notes: notesFor(request, plan, gilEmulated, baseline !== undefined),
      };
    });
  }

  async compare(request: CompareRequest, clientSignal: AbortSignal): Promise<CompareResult> {
    const { sample, notes } = request.profile ? sampleFromProfile(request.profile, this.limits, this.cores) : { sample: sampleOf(request), notes: [] };
    const { profile, advice } = adviseSample(sample, this.cores);
    const runs = plannedRuns(advice, this.limits);
    const expectedMs = runs.reduce((sum, run) => sum + expectedRunMs(sample, run.plan.processes * run.plan.threadsPerProcess, this.cores), 0);
    return this.#admit(expectedMs, request.timeoutMs, sample.tasks * runs.length, clientSignal, 'compare', async (signal, progress) => {
      const measured = [];
      for (const run of runs) {
        const { wallMs } = await this.#measure(run.plan, sample, signal, progress);
        measured.push({ ...run, predictedWallMs: predictedWallMs(profile, run.plan, this.cores), measuredWallMs: wallMs });
        if (run.clamped) notes.push(`The ${run.plan.model} row was held to the pools' limits (${run.plan.processes} x ${run.plan.threadsPerProcess}) and predicted for that size.`);
      }
      const rows = compareRows(measured);
      const recommended = advice.recommendation.model;
      if (!poolRuns(advice.recommendation)) {
        notes.push(
          `The recommended ${recommended} (${advice.recommendation.inner} inside) has no sample pool, so it did not run: the ${recommended} row, if any, is the other kind, and agree is false.`,
        );
      }
      if (sample.gil) notes.push("Thread and hybrid rows ran with CPython's GIL emulated (a ticket lock handed over every 5 ms), not with CPython.");
      notes.push('Pools were started before timing, so neither the predictions nor the measurements count pool start-up.');
      const judged = verdict(rows, recommended);
      const recommendedRan = poolRuns(advice.recommendation);
      return { sample, cores: this.cores, rows, recommended, recommendedRan, ...judged, agree: judged.agree && recommendedRan, notes };
    });
  }

  pools(): PoolsReply {
    return {
      iterationsPerMs: this.iterationsPerMs,
      jobs: { running: this.#queue.pending, queued: this.#queue.size, queueSize: this.limits.queueSize },
      pools: this.#registry.list().map((pool) => pool.stats()),
    };
  }

  /** Cancels every job still queued or running; their clients get 503. */
  cancelAll(): void {
    this.#shutdown.abort(JobErrors.unavailable('the server is shutting down, so the job was cancelled; retry on another instance', this.#retryAfterSeconds));
  }

  async close(): Promise<void> {
    this.beginShutdown();
    this.cancelAll();
    this.#queue.clear();
    await this.#registry.close();
  }

  #measure(plan: Plan, work: SampleWork, signal: AbortSignal, progress: Progress): Promise<Measured> {
    return measureRun(this.#registry, plan, work, this.iterationsPerMs, signal, progress);
  }

  async #admit<T>(
    expectedMs: number,
    timeoutMs: number,
    tasks: number,
    clientSignal: AbortSignal,
    pool: string,
    job: (signal: AbortSignal, progress: Progress) => Promise<T>,
  ): Promise<T> {
    if (!this.#started) throw JobErrors.unavailable('the sample pools are not running on this server', this.#retryAfterSeconds);
    if (this.#draining) throw JobErrors.unavailable('the server is shutting down; retry on another instance', this.#retryAfterSeconds);
    // One job runs (measured alone); up to queueSize wait behind it.
    if (this.#queue.pending + this.#queue.size > this.limits.queueSize) {
      throw JobErrors.queueFull(this.#queue.size, jittered(Math.max(1, Math.ceil(this.#pendingMs / 1000))));
    }
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([deadline, clientSignal, this.#shutdown.signal]);
    // Every task in flight listens for the abort: as many listeners as the dispatch window, by design.
    setMaxListeners(0, signal);
    const progress: Progress = { done: 0 };
    const cost = Math.min(expectedMs, timeoutMs);
    this.#pendingMs += cost;
    try {
      return await this.#queue.add(() => job(signal, progress), { signal, throwOnTimeout: true });
    } catch (error) {
      if (deadline.aborted) throw JobErrors.deadlineExceeded(timeoutMs, progress.done, tasks);
      if (this.#shutdown.signal.aborted) throw this.#shutdown.signal.reason as JobError;
      if (clientSignal.aborted) throw new JobError(499, 'CLIENT_CLOSED', 'The client went away; the job was cancelled.');
      if (error instanceof JobError) throw error;
      throw JobErrors.workerFailed(pool, error instanceof Error ? error.message : String(error));
    } finally {
      this.#pendingMs -= cost;
    }
  }
}

function sampleOf(request: CompareRequest): Sample {
  return {
    tasks: request.tasks!,
    cpuMsPerTask: request.cpuMsPerTask!,
    waitMsPerTask: request.waitMsPerTask!,
    payloadBytesPerTask: request.payloadBytesPerTask ?? 0,
    gilReleasedShare: request.gilReleasedShare ?? 0,
    gil: request.gil ?? false,
  };
}
