import { CPU_BOUND_ABOVE, cpuShare } from './classify.js';
import type { Profile, Runtime, SharedState } from './profile.js';
import { count, fmt, fmtMs } from './format.js';
import { RUNTIME_TRAITS } from './runtimes.js';
import { DEFAULT_DOWNSTREAM_LIMIT, WORKLOADS, type WorkloadAssumption } from './workloads.js';

/** Where a profile's per-task numbers came from (`probed`: measured per task on a sample by `task-advisor probe`). */
export const COST_BASES = ['declared', 'measured', 'workload', 'probed'] as const;
export type CostBasis = (typeof COST_BASES)[number];

/** A profile resolved to the per-task numbers the model works with; every default it took is in `assumptions`. */
export interface Work {
  runtime: Runtime;
  tasks: number;
  cpuMs: number;
  waitMs: number;
  gilReleasedShare: number;
  payloadBytes: number;
  threadsPerTask: number;
  cores: number;
  /** Tasks in flight the downstream allows, given or assumed (then said in `assumptions`); Infinity when none. */
  maxConcurrency: number;
  /** maxConcurrency is the default for work that waits, not the profile's: sentences must not call it the downstream's. */
  maxConcurrencyAssumed: boolean;
  /** Tasks per second the downstream allows; Infinity when none. */
  maxRatePerSecond: number;
  needsIsolation: boolean;
  blockingWaits: boolean;
  sharedState: SharedState;
  memoryMbPerWorker?: number;
  memoryLimitMb?: number;
  deadlineMs?: number;
  basis: CostBasis;
  /** The tasks may call BLAS or OpenMP code: a profile of numbers may; a named workload says whether it does. */
  mayCallBlas: boolean;
  /** A named workload's CPU is its client's, run where the call is awaited (see WorkloadAssumption). */
  cpuInClient: boolean;
  assumptions: string[];
}

/**
 * Wall time of one task's CPU on `native` threads of its own. Under a GIL only the share that releases it
 * (the native code) spreads over them: the rest is Python, on one thread.
 */
export function computeWallMs(work: Pick<Work, 'cpuMs' | 'runtime' | 'gilReleasedShare'>, native: number): number {
  if (native <= 1) return work.cpuMs;
  const spread = RUNTIME_TRAITS[work.runtime].hasGil ? work.gilReleasedShare : 1;
  return work.cpuMs * (1 - spread) + (work.cpuMs * spread) / native;
}

interface PerTask {
  cpuMs: number;
  waitMs: number;
  basis: CostBasis;
}

function perTaskCost(profile: Profile, threadsPerTask: number, gilReleasedShare: number, cores: number, assumptions: string[]): PerTask {
  if (profile.measurement) {
    const { wallMs, cpuMs, tasks = profile.tasks } = profile.measurement;
    const cpuPerTask = cpuMs / tasks;
    const wallPerTask = wallMs / tasks;
    // A task's CPU on its native threads takes the model's wall time (under a GIL, the held share on one); the
    // rest of its wall time is waiting.
    const computeWall = computeWallMs({ cpuMs: cpuPerTask, runtime: profile.runtime, gilReleasedShare }, Math.min(threadsPerTask, cores));
    if (computeWall > wallPerTask * 1.05) {
      const heldOnOne =
        RUNTIME_TRAITS[profile.runtime].hasGil && gilReleasedShare < 1 && threadsPerTask > 1
          ? `, ${fmt(100 * (1 - gilReleasedShare))}% of it holding the GIL on one`
          : '';
      assumptions.push(
        `The measured CPU time (${fmt(cpuMs)} ms) does not fit in the wall time (${fmt(wallMs)} ms) on ${count(threadsPerTask, 'thread')} a task${heldOnOne}: the run used more threads than declared (or released the GIL more), so the wait per task is taken as 0.`,
      );
    }
    return { cpuMs: cpuPerTask, waitMs: Math.max(0, wallPerTask - computeWall), basis: 'measured' };
  }
  if (profile.workload) {
    const assumed = WORKLOADS[profile.workload];
    assumptions.push(
      `Workload "${profile.workload}" assumes ${fmtMs(assumed.cpuMsPerTask)} of CPU and ${fmtMs(assumed.waitMsPerTask)} of wait per task: ${assumed.why}${
        RUNTIME_TRAITS[profile.runtime].hasGil && 'gilNote' in assumed ? `; ${assumed.gilNote}` : ''
      }. Send cpuMsPerTask and waitMsPerTask, or a measurement, for advice on your own numbers.`,
    );
    return { cpuMs: assumed.cpuMsPerTask, waitMs: assumed.waitMsPerTask, basis: 'workload' };
  }
  if (profile.cpuMsPerTask === undefined || profile.waitMsPerTask === undefined) {
    const missing = profile.cpuMsPerTask === undefined ? 'cpuMsPerTask' : 'waitMsPerTask';
    assumptions.push(`${missing} was not given and is taken as 0.`);
  }
  return { cpuMs: profile.cpuMsPerTask ?? 0, waitMs: profile.waitMsPerTask ?? 0, basis: profile.basis ?? 'declared' };
}

/** Takes an explicit value, else the workload's typical one (said in assumptions), else the plain default. */
function withWorkloadDefault<K extends 'gilReleasedShare' | 'payloadBytesPerTask' | 'threadsPerTask'>(
  profile: Profile,
  key: K,
  plainDefault: number,
  assumptions: string[],
): number {
  const given = profile[key];
  if (given !== undefined) return given;
  if (!profile.workload) return plainDefault;
  // A GIL share means nothing to a runtime without a GIL: neither taken nor said.
  if (key === 'gilReleasedShare' && !RUNTIME_TRAITS[profile.runtime].hasGil) return plainDefault;
  const typical = WORKLOADS[profile.workload][key];
  if (typical !== plainDefault) assumptions.push(`${key} is taken as ${fmt(typical)}, typical of "${profile.workload}".`);
  return typical;
}

/**
 * The downstream's limit on tasks in flight: the profile's, else a default for work that waits (the
 * workload's own where it knows better), said in `assumptions` when it can bind. Work that mostly computes
 * calls no service worth capping, so it gets none.
 */
function downstreamLimit(profile: Profile, perTask: { cpuMs: number; waitMs: number }, assumptions: string[]): { limit: number; assumed: boolean } {
  if (profile.maxConcurrency !== undefined) return { limit: profile.maxConcurrency, assumed: false };
  if (cpuShare(perTask) > CPU_BOUND_ABOVE) return { limit: Number.POSITIVE_INFINITY, assumed: false };
  const known = profile.workload ? (WORKLOADS[profile.workload] as WorkloadAssumption).downstreamLimit : undefined;
  const { inFlight, source } = known ?? { inFlight: DEFAULT_DOWNSTREAM_LIMIT.inFlight, source: DEFAULT_DOWNSTREAM_LIMIT.source[RUNTIME_TRAITS[profile.runtime].language] };
  if (profile.tasks > inFlight) {
    assumptions.push(
      `maxConcurrency was not given: at most ${fmt(inFlight)} tasks are kept in flight at once, ${source}${known ? `, typical of "${profile.workload}"` : ''}. Send maxConcurrency with what the downstream really allows (shared by every machine) to raise or lower it.`,
    );
  }
  return { limit: inFlight, assumed: true };
}

/**
 * What a GIL share says for a runtime without a GIL: a share sent is said to be unused rather than dropped in
 * silence. In Node, native CPU (sent as a share, or a workload known to run there: fs, zlib, sharp) usually
 * runs in async native calls on libuv's pool, 4 threads a process by default, which the model does not count:
 * its estimates hold only with the pool sized to the calls in flight. A hash, computed where it is called
 * (createHash), is not such a call.
 */
function gilShareWithoutGil(profile: Profile): string[] {
  const said: string[] = [];
  if ((profile.gilReleasedShare ?? 0) > 0) {
    said.push(`gilReleasedShare ${fmt(profile.gilReleasedShare ?? 0)} is not used: ${RUNTIME_TRAITS[profile.runtime].name} has no GIL, and the model runs each task's CPU on the thread that calls it.`);
  }
  const onLibuv = (profile.gilReleasedShare ?? 0) > 0 || (profile.workload !== undefined && 'libuvInNode' in WORKLOADS[profile.workload]);
  if (profile.runtime === 'node' && onLibuv) {
    said.push(
      "Node's async native calls (fs, zlib, crypto, dns.lookup, or a native module such as sharp) run on libuv's pool, 4 threads a process unless UV_THREADPOOL_SIZE says more, beside the event loop. The model does not count that pool: its estimates hold where UV_THREADPOOL_SIZE is at least the calls in flight; left at 4, such calls run 4 at a time and the batch takes longer than they show.",
    );
  }
  return said;
}

export function resolveWork(profile: Profile, defaultCores: number): Work {
  const assumptions: string[] = [];
  const cores = profile.cores ?? defaultCores;
  if (profile.cores === undefined) {
    assumptions.push(`cores was not given: the server's ${defaultCores} available cores are assumed.`);
  }
  const threadsPerTask = withWorkloadDefault(profile, 'threadsPerTask', 1, assumptions);
  const gilReleasedShare = withWorkloadDefault(profile, 'gilReleasedShare', 0, assumptions);
  const payloadBytes = withWorkloadDefault(profile, 'payloadBytesPerTask', 0, assumptions);
  const { cpuMs, waitMs, basis } = perTaskCost(profile, threadsPerTask, gilReleasedShare, cores, assumptions);
  if (!RUNTIME_TRAITS[profile.runtime].hasGil) assumptions.push(...gilShareWithoutGil(profile));
  const downstream = downstreamLimit(profile, { cpuMs, waitMs }, assumptions);
  return {
    runtime: profile.runtime,
    tasks: profile.tasks,
    cpuMs,
    waitMs,
    gilReleasedShare,
    payloadBytes,
    threadsPerTask,
    cores,
    maxConcurrency: downstream.limit,
    maxConcurrencyAssumed: downstream.assumed,
    maxRatePerSecond: profile.maxRatePerSecond ?? Number.POSITIVE_INFINITY,
    needsIsolation: profile.needsIsolation,
    blockingWaits: profile.blockingWaits,
    sharedState: profile.sharedState,
    memoryMbPerWorker: profile.memoryMbPerWorker,
    memoryLimitMb: profile.memoryLimitMb,
    deadlineMs: profile.deadlineMs,
    basis,
    mayCallBlas: profile.workload === undefined || 'callsBlas' in WORKLOADS[profile.workload],
    cpuInClient: profile.workload !== undefined && 'cpuInClient' in WORKLOADS[profile.workload],
    assumptions,
  };
}
