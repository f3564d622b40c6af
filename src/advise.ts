import { classify, RULE_OF_THUMB, type WorkKind } from './classify.js';
import { costsFor, type Costs } from './costs/index.js';
import { fmt, fmtBytes, fmtMs } from './format.js';
import { BYTES_PER_MB, predict } from './model.js';
import { practicesFor } from './practices.js';
import { choose, estimateAll, fastestOf, NEGLIGIBLE_GAIN_OF_SEQUENTIAL, SIMPLER_WITHIN, type Estimate } from './recommend.js';
import { RUNTIME_TRAITS, type ModelName } from './runtimes.js';
import type { Advice, EstimateReply } from './schemas/advice.js';
import type { Profile } from './schemas/profile.js';
import { goetzThreads, processesWithinMemory } from './sizing.js';
import { snippetFor } from './snippets.js';
import { resolveWork, type Work } from './task-cost.js';

export interface AdviseOptions {
  /** Cores assumed when the profile does not say: the serving machine's. */
  defaultCores: number;
}

function sequentialWallMs(work: Work, costs: Costs): number {
  return predict(work, { model: 'sequential', processes: 1, threadsPerProcess: 1, chunkSize: 1 }, costs).wallMs;
}

/** Scale-out search stops here: a batch that needs more machines is a different problem. */
const MAX_MACHINES = 1_000_000;

const MODEL_LABEL: Record<ModelName, string> = {
  sequential: 'Sequential',
  threads: 'Threads',
  async: 'Async',
  processes: 'Processes',
  hybrid: 'Hybrid',
};

function describePlan(estimate: Estimate): string {
  const { model, processes, threadsPerProcess } = estimate.plan;
  switch (model) {
    case 'sequential':
      return 'one task after another';
    case 'async':
      return `${threadsPerProcess} tasks in flight on the event loop`;
    case 'threads':
      return `${threadsPerProcess} threads`;
    case 'processes':
      return `${processes} processes`;
    case 'hybrid':
      return `${processes} processes x ${threadsPerProcess} threads`;
  }
}

/** What limits an estimate, in numbers. */
function limitOf(estimate: Estimate, work: Work): string {
  const p = estimate.prediction;
  const busy = fmtMs(p.bottleneckMs);
  switch (p.bottleneck) {
    case 'serial':
      return `each of the ${fmt(work.tasks)} tasks takes ${fmt(p.taskLatencyMs)} ms in turn`;
    case 'workers':
      return `its workers each run tasks of ${fmt(p.taskLatencyMs)} ms back to back for ${busy}`;
    case 'cores':
      return `${busy} of CPU work keeps ${fmt(work.cores)} cores busy`;
    case 'gil':
      return estimate.plan.model === 'hybrid'
        ? `each process's GIL is held ${busy} by its tasks, one thread at a time`
        : `${busy} of GIL-held CPU (${fmt(work.cpuMs * (1 - work.gilReleasedShare))} ms per task) runs one thread at a time`;
    case 'event-loop':
      return `${busy} of CPU runs on the one event-loop thread`;
    case 'dispatcher':
      return p.payloadMsPerTask > 0.01
        ? `the dispatcher hands out tasks one at a time for ${busy}, serialising ${fmtBytes(work.payloadBytes)} per task (${fmt(p.payloadMsPerTask)} ms each, more than the task's own ${fmt(work.cpuMs)} ms of CPU)`
        : `the dispatcher hands out tasks one at a time for ${busy}`;
    case 'shared-state':
      return `every task waits its turn at the shared-state server for ${busy}`;
  }
}

/** The plan's sizes with its predicted wall time and speed-up: the recommendation, and the core of each estimate. */
function sizedPrediction({ plan, prediction }: Estimate, sequentialMs: number): Advice['recommendation'] {
  return {
    model: plan.model,
    processes: plan.processes,
    threadsPerProcess: plan.threadsPerProcess,
    chunkSize: plan.chunkSize,
    predictedWallMs: prediction.wallMs,
    predictedSpeedup: speedupOf(sequentialMs, prediction.wallMs),
  };
}

function toReply(estimate: Estimate, sequentialMs: number, work: Work): EstimateReply {
  const { prediction } = estimate;
  const reason = estimate.viable
    ? `${fmtMs(prediction.wallMs)}${prediction.startupMs > 0 ? ` including ${fmtMs(prediction.startupMs)} of pool start-up` : ''}: ${limitOf(estimate, work)}.`
    : `Not viable: ${estimate.notViable}`;
  return {
    ...sizedPrediction(estimate, sequentialMs),
    startupMs: prediction.startupMs,
    bottleneck: prediction.bottleneck,
    viable: estimate.viable,
    reason,
  };
}

/** Tasks that cost nothing take no time either way: call that no speed-up rather than 0/0. */
function speedupOf(sequentialMs: number, wallMs: number): number {
  return wallMs > 0 ? sequentialMs / wallMs : 1;
}

function speedup(estimate: Estimate, sequentialMs: number): string {
  return `${fmt(speedupOf(sequentialMs, estimate.prediction.wallMs))}x`;
}

/** Where the article's rule of thumb and the numbers part, the reply says which number decided. */
function ruleOfThumbNote(kind: WorkKind, chosen: Estimate, estimates: Estimate[], work: Work, sequentialMs: number): string | undefined {
  const ruleModel = RULE_OF_THUMB[kind];
  if (chosen.plan.model === ruleModel) return undefined;
  const rule = estimates.find((e) => e.plan.model === ruleModel);
  const hasGil = RUNTIME_TRAITS[work.runtime].hasGil;
  let why: string;
  if (chosen.plan.model === 'sequential') {
    const perTask = work.cpuMs + work.waitMs;
    if (!rule) why = `each task is only ${fmt(perTask)} ms`;
    else
      why = `each task is only ${fmt(perTask)} ms, and ${ruleModel} cost more than they save: ${limitOf(rule, work)}${rule.prediction.startupMs > 0 ? `, after ${fmtMs(rule.prediction.startupMs)} of start-up` : ''}`;
  } else if (kind === 'cpu-bound' && chosen.plan.model === 'threads' && hasGil) {
    why = `${fmt(work.gilReleasedShare * 100)}% of the CPU time runs in native code that releases the GIL, so threads compute in parallel without process start-up and serialisation`;
  } else if (kind === 'cpu-bound' && chosen.plan.model === 'threads') {
    why = `${work.runtime} has no GIL, so threads compute in parallel and start faster than processes`;
  } else if (chosen.plan.model === 'async') {
    why = 'Node overlaps waits on its event loop with no threads at all';
  } else if (rule) {
    why = `${ruleModel} would take ${fmtMs(rule.prediction.wallMs)} because ${limitOf(rule, work)}`;
  } else {
    why = `${ruleModel} is not weighed for ${work.runtime}`;
  }
  const ruleTime = rule ? ` (${fmtMs(rule.prediction.wallMs)}, ${speedup(rule, sequentialMs)})` : '';
  return `The rule of thumb for ${kind} work is ${ruleModel}${ruleTime}, but the numbers favour ${chosen.plan.model}: ${why}.`;
}

function rationaleFor(work: Work, costs: Costs, kind: WorkKind, share: number, chosen: Estimate, estimates: Estimate[], sequentialMs: number): string[] {
  const hasGil = RUNTIME_TRAITS[work.runtime].hasGil;
  const sentences = [
    `Each task spends ${fmt(work.cpuMs)} ms on CPU and ${fmt(work.waitMs)} ms waiting: ${fmt(share * 100)}% CPU, so the work is ${kind}.` +
      (hasGil && work.gilReleasedShare > 0 ? ` ${fmt(work.gilReleasedShare * 100)}% of the CPU time releases the GIL.` : ''),
    `One after another, the ${fmt(work.tasks)} tasks take ${fmtMs(sequentialMs)}.`,
    chosen.plan.model === 'sequential'
      ? `Sequential is recommended: no pool is predicted to beat its ${fmtMs(sequentialMs)} by more than ${SIMPLER_WITHIN * 100}%.`
      : `${MODEL_LABEL[chosen.plan.model]} (${describePlan(chosen)}) is predicted at ${fmtMs(chosen.prediction.wallMs)}, ${speedup(chosen, sequentialMs)} faster than sequential${chosen.prediction.startupMs > 0 ? `, including ${fmtMs(chosen.prediction.startupMs)} of pool start-up` : ''}; ${limitOf(chosen, work)}.`,
  ];
  const viable = estimates.filter((e) => e.viable);
  const fastest = viable.length > 0 ? fastestOf(viable) : undefined;
  if (fastest && fastest !== chosen) {
    const gain = (1 - fastest.prediction.wallMs / chosen.prediction.wallMs) * 100;
    const withinWall = fastest.prediction.wallMs * (1 + SIMPLER_WITHIN) >= chosen.prediction.wallMs;
    sentences.push(
      withinWall
        ? `${MODEL_LABEL[fastest.plan.model]} (${describePlan(fastest)}) would be ${fmt(gain)}% faster (${fmtMs(fastest.prediction.wallMs)}), within the ${SIMPLER_WITHIN * 100}% margin where the simpler model is preferred.`
        : `${MODEL_LABEL[fastest.plan.model]} (${describePlan(fastest)}) would take ${fmtMs(fastest.prediction.wallMs)}, but that gain of ${fmtMs(chosen.prediction.wallMs - fastest.prediction.wallMs)} is under ${NEGLIGIBLE_GAIN_OF_SEQUENTIAL * 100}% of the sequential ${fmtMs(sequentialMs)}, so the simpler model is preferred.`,
    );
  }
  if ((chosen.plan.model === 'processes' || chosen.plan.model === 'hybrid') && chosen.plan.chunkSize > 1) {
    const perTaskMs = work.cpuMs + work.waitMs;
    sentences.push(
      `Tasks go to the processes in chunks of ${fmt(chosen.plan.chunkSize)} (${fmtMs(chosen.plan.chunkSize * perTaskMs)} of work each), so one ${fmt(costs.processDispatchMs)} ms message round trip is shared by the chunk${perTaskMs < costs.processDispatchMs ? `; one message per ${fmt(perTaskMs)} ms task would cost more than the task` : ''}.`,
    );
  }
  const note = ruleOfThumbNote(kind, chosen, estimates, work, sequentialMs);
  if (note) sentences.push(note);
  return sentences;
}

/** Fewest machines of this size that meet the deadline, each taking an even share of the tasks. */
function machinesForDeadline(work: Work, costs: Costs, deadlineMs: number): number | undefined {
  const bestMs = (machines: number) => {
    const share: Work = { ...work, tasks: Math.ceil(work.tasks / machines) };
    return choose(estimateAll(share, costs), sequentialWallMs(share, costs)).prediction.wallMs;
  };
  let high = 2;
  while (bestMs(high) > deadlineMs) {
    if (high >= Math.min(work.tasks, MAX_MACHINES)) return undefined;
    high = Math.min(high * 2, work.tasks, MAX_MACHINES);
  }
  let low = Math.floor(high / 2);
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (bestMs(mid) <= deadlineMs) high = mid;
    else low = mid;
  }
  return high;
}

function warningsFor(work: Work, costs: Costs, chosen: Estimate, estimates: Estimate[]): string[] {
  const warnings = [...work.assumptions];
  const { plan } = chosen;
  const workers = Math.min(plan.processes * plan.threadsPerProcess, work.tasks);
  if (!estimates.some((e) => e.viable)) {
    warnings.push(
      `No model satisfies every constraint (${[...new Set(estimates.map((e) => e.notViable))].join(' ')}) The fastest one is shown so you have sizes to start from.`,
    );
  }
  if (work.threadsPerTask > 1 && workers * work.threadsPerTask > work.cores) {
    const cap = Math.max(1, Math.floor(work.cores / Math.min(workers, work.cores)));
    warnings.push(
      `Oversubscription: ${workers} workers x ${work.threadsPerTask} native threads each would be ${workers * work.threadsPerTask} threads on ${work.cores} cores. Cap each worker's BLAS/OpenMP threads at ${cap} (OMP_NUM_THREADS=${cap}; the snippet does); the prediction assumes that cap.`,
    );
  }
  if (chosen.prediction.runnableThreads > work.cores * 1.5) {
    warnings.push(
      `About ${fmt(chosen.prediction.runnableThreads)} threads want a core at once on ${work.cores} cores: the excess buys nothing and costs switching.`,
    );
  }
  if (plan.model === 'threads' || plan.model === 'hybrid') {
    const cores = plan.model === 'threads' ? work.cores : work.cores / plan.processes;
    const wanted = goetzThreads(work, cores);
    if (wanted > costs.maxThreadsPerProcess && plan.threadsPerProcess === costs.maxThreadsPerProcess) {
      warnings.push(
        `The wait/compute ratio asks for ${Number.isFinite(wanted) ? fmt(wanted) : 'unbounded'} threads per process; this advice stops at ${costs.maxThreadsPerProcess}. For more concurrency, an event loop (asyncio, or Node) overlaps waits without a thread each.`,
      );
    }
  }
  const memoryCap = processesWithinMemory(work);
  if (Number.isFinite(memoryCap) && memoryCap >= 1 && memoryCap < Math.min(work.cores, work.tasks)) {
    warnings.push(
      `Memory: ${fmt(work.memoryLimitMb ?? 0)} MB allows ${memoryCap} worker processes of ${fmt(work.memoryMbPerWorker ?? 0)} MB, fewer than the ${work.cores} cores.`,
    );
  }
  if (work.runtime === 'cpython-free-threaded') {
    warnings.push(
      'Free-threaded CPython re-enables the GIL when it imports an extension not marked free-thread-safe; check sys._is_gil_enabled(), or the thread estimates do not hold.',
    );
  }
  if (work.payloadBytes > 0 && (plan.model === 'processes' || plan.model === 'hybrid')) {
    const mb = work.payloadBytes / BYTES_PER_MB;
    const perTask = mb * (costs.serializeMsPerMB + costs.deserializeMsPerMB);
    if (perTask > 0.1 * (work.cpuMs + work.waitMs)) {
      warnings.push(
        `Serialising ${fmtBytes(work.payloadBytes)} per task costs ${fmt(perTask)} ms, over a tenth of the task itself: pass references (shared memory, file paths) to win it back.`,
      );
    }
  }
  if (work.deadlineMs !== undefined && chosen.prediction.wallMs > work.deadlineMs) {
    const oneTaskMs = chosen.prediction.taskLatencyMs;
    const engines = RUNTIME_TRAITS[work.runtime].scaleOutEngines;
    if (oneTaskMs > work.deadlineMs) {
      warnings.push(
        `Deadline: one task alone takes ${fmtMs(oneTaskMs)}, more than the ${fmtMs(work.deadlineMs)} deadline; no number of machines meets it without making each task faster.`,
      );
    } else {
      const machines = machinesForDeadline(work, costs, work.deadlineMs);
      warnings.push(
        machines === undefined
          ? `Deadline: ${fmtMs(work.deadlineMs)} cannot be met with up to ${fmt(Math.min(work.tasks, MAX_MACHINES))} machines of ${work.cores} cores; make each task faster.`
          : `Deadline: the best plan takes ${fmtMs(chosen.prediction.wallMs)} on one machine, over the ${fmtMs(work.deadlineMs)} deadline. About ${fmt(machines)} machines of ${work.cores} cores meet it, each with ~${fmt(Math.ceil(work.tasks / machines))} tasks; ${engines} run such a batch across machines.`,
      );
    }
  }
  return warnings;
}

/** The whole advice for one validated profile: a pure function of the profile and the serving machine. */
export function advise(profile: Profile, options: AdviseOptions): Advice {
  const work = resolveWork(profile, options.defaultCores);
  const costs = costsFor(work.runtime, profile.costs);
  const { kind, cpuShare } = classify(work);
  const estimates = estimateAll(work, costs);
  const sequentialMs = sequentialWallMs(work, costs);
  const chosen = choose(estimates, sequentialMs);
  const { plan, prediction } = chosen;
  return {
    ...(profile.name !== undefined ? { name: profile.name } : {}),
    classification: { kind, cpuShare, basis: work.basis },
    recommendation: sizedPrediction(chosen, sequentialMs),
    estimates: estimates.map((e) => toReply(e, sequentialMs, work)),
    rationale: rationaleFor(work, costs, kind, cpuShare, chosen, estimates, sequentialMs),
    practices: practicesFor({ work, kind, plan, prediction, sequentialMs }),
    warnings: warningsFor(work, costs, chosen, estimates),
    snippet: snippetFor(work, plan),
    resolved: {
      runtime: work.runtime,
      tasks: work.tasks,
      cpuMsPerTask: work.cpuMs,
      waitMsPerTask: work.waitMs,
      gilReleasedShare: work.gilReleasedShare,
      payloadBytesPerTask: work.payloadBytes,
      threadsPerTask: work.threadsPerTask,
      cores: work.cores,
      ...(Number.isFinite(work.maxConcurrency) ? { maxConcurrency: work.maxConcurrency } : {}),
    },
  };
}
