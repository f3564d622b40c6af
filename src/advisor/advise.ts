import { classify } from './classify.js';
import { costsFor, type Costs } from './costs/index.js';
import { fmtMs, roundNumbers, roundSignificant } from './format.js';
import { limitOf, speedupOf } from './explain/describe.js';
import { practicesFor } from './explain/practices.js';
import { rationaleFor } from './explain/rationale.js';
import { snippetFor } from './explain/snippets.js';
import { warningsFor } from './explain/warnings.js';
import { cpuThreadsOf, tasksInFlight } from './model/estimate.js';
import { choose, estimateAll, sequentialWallMs, type Estimate } from './recommend.js';
import type { Advice, EstimateReply } from './advice.js';
import type { Profile } from './profile.js';
import { resolveWork, type Work } from './work.js';

export interface AdviseOptions {
  /** Cores assumed when the profile does not say: the serving machine's. */
  defaultCores: number;
}

/**
 * The plan's sizes with its predicted wall time and speed-up: the recommendation, and the start of each
 * estimate's row. Like the rest of the reply, one object literal of one shape, an absent field undefined
 * (JSON leaves it out): spreading objects of varying shapes cost 8 us a row, more than
 * its prediction.
 */
function sizedPrediction({ plan, prediction }: Estimate, sequentialMs: number, work: Work): Advice['recommendation'] {
  return {
    model: plan.model,
    inner: plan.inner,
    processes: plan.processes,
    threadsPerProcess: plan.threadsPerProcess,
    chunkSize: plan.chunkSize,
    tasksInFlight: tasksInFlight(plan, work),
    cpuThreads: cpuThreadsOf(plan, work),
    predictedWallMs: prediction.wallMs,
    predictedSpeedup: speedupOf(sequentialMs, prediction.wallMs),
  };
}

/** One row of the estimates: the recommendation's fields, and its start-up, limit and reason. */
function toReply(estimate: Estimate, sequentialMs: number, work: Work, costs: Costs): EstimateReply {
  const { prediction } = estimate;
  const reason = estimate.viable
    ? `${fmtMs(prediction.wallMs)}${prediction.startupMs > 0 ? ` including ${fmtMs(prediction.startupMs)} of pool start-up` : ''}: ${limitOf(estimate, work, costs)}.`
    : `Not viable: ${estimate.notViable}`;
  return Object.assign(sizedPrediction(estimate, sequentialMs, work), {
    startupMs: prediction.startupMs,
    bottleneck: prediction.bottleneck,
    viable: estimate.viable,
    reason,
  });
}

/**
 * The whole advice for one validated profile: a pure function of the profile and the serving machine. Its
 * numbers are rounded in one step at the end, so every figure the model computed is used unrounded. The
 * profile the model used is added after that step: it echoes what the client sent exactly, and rounds only
 * the figures derived from a measurement.
 */
export function advise(profile: Profile, options: AdviseOptions): Advice {
  const work = resolveWork(profile, options.defaultCores);
  return Object.assign(roundNumbers(adviceFor(profile, work)), { resolved: resolvedOf(work) });
}

function adviceFor(profile: Profile, work: Work): Omit<Advice, 'resolved'> {
  const costs = costsFor(work.runtime, profile.costs);
  const { kind, cpuShare } = classify(work);
  const estimates = estimateAll(work, costs);
  const sequentialMs = sequentialWallMs(work, costs);
  const chosen = choose(estimates, sequentialMs, work);
  const { plan, prediction } = chosen;
  return {
    name: profile.name,
    classification: { kind, cpuShare, basis: work.basis },
    recommendation: sizedPrediction(chosen, sequentialMs, work),
    estimates: estimates.map((e) => toReply(e, sequentialMs, work, costs)),
    rationale: rationaleFor(work, costs, kind, cpuShare, chosen, estimates, sequentialMs),
    practices: practicesFor({ work, costs, kind, plan, prediction, sequentialMs, estimates }),
    warnings: warningsFor(work, costs, chosen, estimates),
    snippet: snippetFor(work, plan),
  };
}

function resolvedOf(work: Work): Advice['resolved'] {
  const measured = work.basis === 'measured';
  return {
    runtime: work.runtime,
    tasks: work.tasks,
    cpuMsPerTask: measured ? roundSignificant(work.cpuMs) : work.cpuMs,
    waitMsPerTask: measured ? roundSignificant(work.waitMs) : work.waitMs,
    gilReleasedShare: work.gilReleasedShare,
    payloadBytesPerTask: work.payloadBytes,
    threadsPerTask: work.threadsPerTask,
    cores: work.cores,
    maxConcurrency: Number.isFinite(work.maxConcurrency) ? work.maxConcurrency : undefined,
    maxRatePerSecond: Number.isFinite(work.maxRatePerSecond) ? work.maxRatePerSecond : undefined,
  };
}
