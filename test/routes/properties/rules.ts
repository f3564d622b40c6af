import type { JobLimits } from '../../../src/jobs/defaults.js';

/**
 * The rules between fields that JSON Schema cannot say, restated from the README and the schemas'
 * messages: which fields a 400 must name when the document accepts each field on its own. Each returns
 * the dotted paths of the fields at fault.
 */

type Body = Record<string, unknown>;

function isObject(value: unknown): value is Body {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A profile needs exactly one source of per-task cost: declared numbers, a measurement, or a workload;
 * `basis: "probed"` needs both declared numbers and no other source.
 */
export function profileRules(profile: unknown, prefix = ''): string[] {
  if (!isObject(profile)) return [];
  const declared = profile.cpuMsPerTask !== undefined || profile.waitMsPerTask !== undefined;
  const sources = [declared, profile.measurement !== undefined, profile.workload !== undefined].filter(Boolean).length;
  if (sources === 0) return [`${prefix}cpuMsPerTask`];
  const bothDeclared = profile.cpuMsPerTask !== undefined && profile.waitMsPerTask !== undefined;
  if (profile.basis === 'probed' && !bothDeclared) return [`${prefix}basis`];
  if (sources > 1) return [`${prefix}${profile.workload !== undefined ? 'workload' : 'measurement'}`];
  return [];
}

/** Most workers a pool of this kind may have. */
export function poolLimit(pool: unknown, limits: JobLimits): number {
  if (pool === 'threads') return limits.maxThreads;
  if (pool === 'async') return limits.maxTasks;
  return limits.maxProcesses;
}

/** tasks x (cpu + wait) of a job over the server's limit. */
export function overWork(body: Body, limits: JobLimits): boolean {
  const { tasks, cpuMsPerTask, waitMsPerTask } = body;
  if (typeof tasks !== 'number' || typeof cpuMsPerTask !== 'number' || typeof waitMsPerTask !== 'number') return false;
  return tasks * (cpuMsPerTask + waitMsPerTask) > limits.maxWorkMs;
}

/** POST /jobs: the work limit, the pool's size limit, the fields that apply to some pools only, and a crash within the tasks. */
export function jobRules(job: unknown, limits: JobLimits): string[] {
  if (!isObject(job)) return [];
  const fields: string[] = [];
  if (overWork(job, limits)) fields.push('tasks');
  const { pool, workers } = job;
  if (workers !== undefined) {
    if (pool === 'sequential' ? workers !== 1 : typeof workers === 'number' && workers > poolLimit(pool, limits)) fields.push('workers');
  }
  if (job.threadsPerProcess !== undefined && pool !== 'hybrid') fields.push('threadsPerProcess');
  if (job.chunkSize !== undefined && pool !== 'processes' && pool !== 'hybrid') fields.push('chunkSize');
  const { crash, tasks } = job;
  if (isObject(crash) && typeof crash.atTask === 'number' && typeof tasks === 'number' && crash.atTask >= tasks) fields.push('crash.atTask');
  return fields;
}

export const SAMPLE_KEYS = ['tasks', 'cpuMsPerTask', 'waitMsPerTask', 'payloadBytesPerTask', 'gilReleasedShare', 'gil'] as const;

/** POST /jobs/compare: a profile or a sample, not both; a sample needs its three numbers and keeps to the work limit. */
export function compareRules(request: unknown, limits: JobLimits): string[] {
  if (!isObject(request)) return [];
  if (request.profile !== undefined) {
    return [...SAMPLE_KEYS.filter((key) => request[key] !== undefined), ...profileRules(request.profile, 'profile.')];
  }
  const missing = (['tasks', 'cpuMsPerTask', 'waitMsPerTask'] as const).filter((key) => request[key] === undefined);
  if (missing.length > 0) return missing;
  return overWork(request, limits) ? ['tasks'] : [];
}
