import { advise } from '../advisor/advise.js';
import { costsFor } from '../advisor/costs/index.js';
import { nodeCosts, nodeSamplePoolCosts } from '../advisor/costs/node.js';
import { fmt, fmtMs } from '../advisor/format.js';
import { predict } from '../advisor/model/estimate.js';
import type { Plan } from '../advisor/plan.js';
import { RUNTIME_TRAITS } from '../advisor/runtimes.js';
import type { Advice } from '../advisor/advice.js';
import type { CompareRow, Sample } from './schema.js';
import { ProfileSchema, type Profile, type ProfileInput } from '../advisor/profile.js';
import { AGREEMENT_WITHIN } from '../advisor/verdict.js';
import { resolveWork } from '../advisor/work.js';
import { GIL_SWITCH_INTERVAL_MS, type JobLimits } from './defaults.js';

/** Tasks in a sample scaled down from a profile: enough to fill a few dozen workers more than once. */
const SAMPLE_MAX_TASKS = 256;
/** Shorter tasks would measure the timer and dispatch more than the work. */
const SAMPLE_MIN_TASK_MS = 1;

/**
 * An advisor profile scaled down to a sample that runs sequentially in about `compareSampleMs`: fewer
 * tasks, then shorter ones with the same CPU-to-wait ratio. The payload and the GIL go with it as they are.
 */
export function sampleFromProfile(profile: Profile, limits: JobLimits, cores: number): { sample: Sample; notes: string[] } {
  const work = resolveWork(profile, cores);
  const perTaskMs = work.cpuMs + work.waitMs;
  let tasks = Math.min(work.tasks, SAMPLE_MAX_TASKS, limits.maxTasks);
  let scale = perTaskMs > 0 ? Math.min(1, limits.compareSampleMs / (tasks * perTaskMs)) : 1;
  if (perTaskMs * scale < SAMPLE_MIN_TASK_MS && perTaskMs > SAMPLE_MIN_TASK_MS) {
    scale = SAMPLE_MIN_TASK_MS / perTaskMs;
    tasks = Math.max(1, Math.floor(limits.compareSampleMs / SAMPLE_MIN_TASK_MS));
  }
  const sample: Sample = {
    tasks,
    cpuMsPerTask: Math.min(work.cpuMs * scale, limits.maxCpuMsPerTask),
    waitMsPerTask: Math.min(work.waitMs * scale, limits.maxWaitMsPerTask),
    payloadBytesPerTask: Math.min(work.payloadBytes, limits.maxPayloadBytesPerTask),
    gilReleasedShare: work.gilReleasedShare,
    gil: RUNTIME_TRAITS[work.runtime].hasGil,
    ...(profile.maxConcurrency === undefined ? {} : { maxConcurrency: profile.maxConcurrency }),
  };
  const notes = [
    `The profile (${fmt(work.tasks)} tasks of ${fmtMs(work.cpuMs)} CPU + ${fmtMs(work.waitMs)} wait) was scaled to ${fmt(sample.tasks)} tasks of ${fmtMs(sample.cpuMsPerTask)} CPU + ${fmtMs(sample.waitMsPerTask)} wait, so that its sequential run takes about ${fmtMs(sample.tasks * (sample.cpuMsPerTask + sample.waitMsPerTask))}.`,
    ...work.assumptions,
  ];
  if (work.payloadBytes > sample.payloadBytesPerTask) notes.push(`The payload was capped at ${fmt(limits.maxPayloadBytesPerTask)} bytes per task.`);
  return { sample, notes };
}

/**
 * The profile the advisor predicts the sample with: the runtime's GIL, and the costs of the pools that
 * run it (piscina threads, tinypool's forked children) with no start-up, since the pools are started.
 */
function sampleProfile(sample: Sample, cores: number): Profile {
  const table = { ...nodeCosts, ...nodeSamplePoolCosts };
  const costs = Object.fromEntries(Object.entries(table).map(([name, entry]) => [name, entry.value]));
  const input: ProfileInput = {
    runtime: sample.gil ? 'cpython' : 'node',
    tasks: sample.tasks,
    cpuMsPerTask: sample.cpuMsPerTask,
    waitMsPerTask: sample.waitMsPerTask,
    payloadBytesPerTask: sample.payloadBytesPerTask,
    gilReleasedShare: sample.gilReleasedShare,
    cores,
    ...(sample.maxConcurrency === undefined ? {} : { maxConcurrency: sample.maxConcurrency }),
    costs: {
      ...costs,
      threadStartMs: 0,
      processStartMs: 0,
      processPoolStartMs: 0,
      gilSwitchIntervalMs: sample.gil ? GIL_SWITCH_INTERVAL_MS : 0,
    },
  };
  return ProfileSchema.parse(input);
}

/** The advisor's plan for each viable model, held within the pools' limits. */
export function plannedRuns(advice: Advice, limits: JobLimits): { plan: Plan; clamped: boolean }[] {
  return advice.estimates
    .filter((estimate) => estimate.viable)
    .map((estimate) => {
      const processes = Math.min(estimate.processes, limits.maxProcesses);
      const threads =
        estimate.model === 'threads'
          ? Math.min(estimate.threadsPerProcess, limits.maxThreads)
          : estimate.model === 'hybrid'
            ? Math.min(estimate.threadsPerProcess, limits.maxThreadsPerProcess)
            : estimate.threadsPerProcess;
      const plan: Plan = { model: estimate.model, processes, threadsPerProcess: threads, chunkSize: estimate.chunkSize };
      return { plan, clamped: processes !== estimate.processes || threads !== estimate.threadsPerProcess };
    });
}

/** The prediction for a plan, re-made when the plan was held within the pools' limits. */
export function predictedWallMs(profile: Profile, plan: Plan, cores: number): number {
  const work = resolveWork(profile, cores);
  return predict(work, plan, costsFor(profile.runtime, profile.costs)).wallMs;
}

export function compareRows(runs: { plan: Plan; predictedWallMs: number; measuredWallMs: number }[]): CompareRow[] {
  const sequential = runs.find((run) => run.plan.model === 'sequential');
  const predictedBase = sequential?.predictedWallMs ?? Number.NaN;
  const measuredBase = sequential?.measuredWallMs ?? Number.NaN;
  return runs.map(({ plan, predictedWallMs, measuredWallMs }) => ({
    model: plan.model,
    processes: plan.processes,
    threadsPerProcess: plan.threadsPerProcess,
    chunkSize: plan.chunkSize,
    predictedWallMs,
    predictedSpeedup: predictedBase / predictedWallMs,
    measuredWallMs,
    measuredSpeedup: measuredBase / measuredWallMs,
    predictionError: predictedWallMs / measuredWallMs - 1,
  }));
}

/** The measured fastest row, and whether the recommended one is within AGREEMENT_WITHIN of it. */
export function verdict(rows: CompareRow[], recommended: CompareRow['model']): { fastest: CompareRow['model']; agree: boolean } {
  const fastest = rows.reduce((best, row) => (row.measuredWallMs < best.measuredWallMs ? row : best));
  const chosen = rows.find((row) => row.model === recommended);
  const agree = chosen !== undefined && chosen.measuredWallMs <= fastest.measuredWallMs * (1 + AGREEMENT_WITHIN);
  return { fastest: fastest.model, agree };
}

export function adviseSample(sample: Sample, cores: number): { profile: Profile; advice: Advice } {
  const profile = sampleProfile(sample, cores);
  return { profile, advice: advise(profile, { defaultCores: cores }) };
}
